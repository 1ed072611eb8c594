#include "net/token_store.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>
#include <sstream>

#include "net/node_config.hpp"

namespace persona::net {

namespace {

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

}  // namespace

token_store::digest token_store::hash(std::string_view token) {
  digest d{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

status token_store::add(const std::string& name, std::string_view token, uint8_t roles) {
  if (!valid_name(name))
    return bad("token name '" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
  if (token.size() < min_token_bytes)
    return bad("token '" + name + "' is " + std::to_string(token.size()) + " bytes; a token needs at least " +
               std::to_string(min_token_bytes) + " (e.g. openssl rand -hex 32)");
  if (roles == 0)
    return bad("token '" + name + "' has no roles; give ingest, query and/or admin");
  auto d = hash(token);
  for (auto& e : entries_) {
    if (e.name == name)
      return bad("token name '" + name + "' is used twice; give each token its own name");
    if (CRYPTO_memcmp(e.hashed.data(), d.data(), d.size()) == 0)
      return bad("tokens '" + e.name + "' and '" + name + "' are the same; give each its own token");
  }
  entries_.push_back(entry{name, roles, d});
  return {};
}

status token_store::add_file_text(const std::string& source, const std::string& text) {
  token_store staged = *this;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#')
      continue;
    std::istringstream fields(line);
    std::string name, roles, token, extra;
    fields >> name >> roles >> token >> extra;
    std::string where = source + ":" + std::to_string(number) + ": ";
    if (token.empty() || !extra.empty())
      return bad(where + "expected 'NAME ROLES TOKEN' (ROLES like ingest,query; TOKEN without spaces)");
    uint8_t bits = parse_roles(roles);
    if (bits == 0)
      return bad(where + "roles '" + roles + "' must be a comma-separated list of ingest, query, admin");
    if (auto st = staged.add(name, token, bits); !st.ok())
      return bad(where + st.message());
  }
  if (staged.size() == size())
    return bad(source + " holds no token; write one 'NAME ROLES TOKEN' line per token");
  *this = std::move(staged);
  return {};
}

std::optional<token_store::grant> token_store::find(std::string_view token) const {
  auto d = hash(token);
  // Every digest is compared, and the match is taken without a branch on
  // the comparison, so the time does not depend on which one matched.
  size_t found = entries_.size();
  for (size_t i = 0; i < entries_.size(); ++i) {
    size_t equal = static_cast<size_t>(CRYPTO_memcmp(entries_[i].hashed.data(), d.data(), d.size()) == 0);
    size_t mask = ~(equal - 1);  // all ones when equal
    found = (i & mask) | (found & ~mask);
  }
  if (found == entries_.size())
    return std::nullopt;
  return grant{entries_[found].name, entries_[found].roles};
}

}  // namespace persona::net
