// record_seal: seals the payload of a WAL, snapshot or model file record
// with AES-256-GCM (OpenSSL's libcrypto), so files at rest are unreadable
// and unalterable without the key. A sealed payload is
//
//   12-byte nonce | ciphertext (as long as the payload) | 16-byte tag
//
// and the record's sequence number and kind are its associated data: a
// record moved to another place of its file, or given another kind, no
// longer opens. Nonces are a random 32-bit prefix drawn when the seal is
// made and a 64-bit counter starting at a random value, so one key never
// sees a nonce twice within a process and, across processes, only with a
// chance of about 2^-32 per pair of processes for overlapping counters of
// 2^64. The framing (record_file.hpp) marks a sealed record in its length
// field; docs/formats.md has the bytes. The key lives only in memory. One
// seal is shared by every thread writing or reading files: seal() and
// open() are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/util/status.hpp"

namespace persona {

class record_seal {
 public:
  /// Bytes of the key.
  static constexpr size_t key_bytes = 32;
  /// Bytes a sealed payload has beyond the payload: nonce and tag.
  static constexpr size_t overhead = 12 + 16;

  /// A seal under `key`; bad_request unless it is 32 bytes.
  static result<std::shared_ptr<const record_seal>> make(std::string_view key);
  ~record_seal();
  record_seal(const record_seal&) = delete;
  record_seal& operator=(const record_seal&) = delete;

  /// Appends the sealed form of `payload` to `out`.
  void seal(uint64_t seq, uint8_t kind, std::string_view payload, std::string& out) const;
  /// Fills `out` with the payload of `sealed`; false when it does not open
  /// (another key, another seq or kind, or altered bytes).
  bool open(uint64_t seq, uint8_t kind, std::string_view sealed, std::string& out) const;

 private:
  record_seal() = default;

  std::array<unsigned char, key_bytes> key_{};
  uint32_t prefix_ = 0;
  mutable std::atomic<uint64_t> counter_{0};
};

}  // namespace persona
