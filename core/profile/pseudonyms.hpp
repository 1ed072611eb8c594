// pseudonyms: turns the identifiers of an event into keyed hashes before
// anything keeps them. Devices, geos and sessions only ever feed the risk
// signals and the session tracker, which compare them for equality, so a
// keyed hash serves as well as the text and a file or a stolen profile does
// not reveal them (a dictionary of likely values needs the key). With
// `users` on, user ids become "u:" + 32 hex digits of a 128-bit keyed hash
// the same way. Purpose-derived keys keep the kinds independent. An
// immutable value; any thread may use it.
#pragma once

#include <string>

#include "core/profile/event.hpp"
#include "core/util/siphash.hpp"

namespace persona {

class pseudonyms {
 public:
  /// Characters of a device, geo or session pseudonym (16 hex digits).
  static constexpr size_t context_chars = 16;
  /// Characters of a user pseudonym: "u:" and 32 hex digits.
  static constexpr size_t user_chars = 34;

  /// Pseudonyms under `key`; `users`: user ids too.
  pseudonyms(const siphash_key& key, bool users);
  pseudonyms() : pseudonyms(siphash_key{}, false) {}

  /// Replaces the event's device, geo and session (when present) with their
  /// pseudonyms, and its user when users are pseudonymised.
  void apply(event& e) const;
  /// The pseudonym of a device, geo or session text (`purpose` one of
  /// "device", "geo", "session"); empty stays empty.
  std::string context(const std::string& purpose, const std::string& text) const;
  /// The id the engine keeps for `user`: itself unless users are
  /// pseudonymised; an empty or over-long id stays as it is (so checks
  /// reject it as before),
  /// and one already of the pseudonym form is kept as it is, so ids that
  /// segment_members or query returned can be passed back.
  std::string user(const std::string& id) const;
  /// Whether `id` has the form of a user pseudonym.
  static bool is_user_pseudonym(const std::string& id);
  bool users() const { return users_; }

 private:
  std::string hashed(const siphash_key& k, const std::string& text) const;

  siphash_key device_;
  siphash_key geo_;
  siphash_key session_;
  siphash_key user_a_;
  siphash_key user_b_;
  bool users_ = false;
};

}  // namespace persona
