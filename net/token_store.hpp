// token_store: the tokens a node accepts, each with a name (for logs and the
// audit log) and its roles. A token is kept only as its SHA-256 digest, and
// a presented token is compared with every stored digest in constant time
// (no lookup keyed by the token, no early exit), so neither memory nor
// timing gives a token away. Filled at start (from --token-file or
// --token), then only read: any thread may call find().
//
// The token file holds one token a line, `NAME ROLES TOKEN` separated by
// spaces or tabs: NAME is letters, digits, '.', '_' or '-'; ROLES a
// comma-separated list of ingest, query, admin; TOKEN at least
// min_token_bytes bytes without spaces. Blank lines and lines starting with
// '#' are skipped. docs/operations.md ("Tokens") shows an example.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.hpp"

namespace persona::net {

class token_store {
 public:
  /// Shortest token accepted, in bytes.
  static constexpr size_t min_token_bytes = 16;

  /// What a valid token grants.
  struct grant {
    std::string name;
    uint8_t roles = 0;
  };

  /// Adds a token; bad_request when it is shorter than min_token_bytes,
  /// the name is empty or taken, the roles are none, or the token is
  /// already there (the message never quotes the token).
  status add(const std::string& name, std::string_view token, uint8_t roles);

  /// Adds every token of a token file's text; the error names `source` and
  /// the line. Nothing is added when any line is bad.
  status add_file_text(const std::string& source, const std::string& text);

  /// The grant of `token`, if stored. Takes the same time whichever
  /// token matched, or none.
  std::optional<grant> find(std::string_view token) const;

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

 private:
  using digest = std::array<unsigned char, 32>;
  static digest hash(std::string_view token);

  struct entry {
    std::string name;
    uint8_t roles;
    digest hashed;
  };
  std::vector<entry> entries_;
};

}  // namespace persona::net
