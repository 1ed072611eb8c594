// siphash: SipHash-2-4, a keyed 64-bit hash of a byte string. With a secret
// key, an outsider can neither invert a hash by trying a dictionary of
// likely inputs nor choose inputs that collide; Persona uses it for the
// identifiers it pseudonymises (devices, geos, sessions, optionally user
// ids) and to seed hash tables keyed by client-chosen strings. Pure
// functions; a key is a plain value.
#pragma once

#include <cstdint>
#include <string_view>

namespace persona {

/// A 128-bit SipHash key. All zero means "no secret configured": the hash
/// is then still well mixed, but anyone can compute it.
struct siphash_key {
  uint64_t k0 = 0;
  uint64_t k1 = 0;

  bool is_zero() const { return k0 == 0 && k1 == 0; }
  /// Reads the first 16 bytes of `secret` as a key (little-endian halves);
  /// shorter secrets are zero-padded. Callers check the length first.
  static siphash_key from_bytes(std::string_view secret);
  /// A key derived from `key` for one purpose (e.g. "device", "user"), so
  /// that one secret yields independent hashes per kind of identifier.
  siphash_key derive(std::string_view purpose) const;
};

/// SipHash-2-4 of `data` under `key` (the reference algorithm of Aumasson
/// and Bernstein; the output matches its published test vectors).
uint64_t siphash24(const siphash_key& key, std::string_view data);

}  // namespace persona
