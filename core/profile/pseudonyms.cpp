#include "core/profile/pseudonyms.hpp"

#include "core/profile/event_validation.hpp"

namespace persona {

namespace {

void append_hex(std::string& out, uint64_t x) {
  static const char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4)
    out.push_back(digits[(x >> shift) & 0xf]);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

pseudonyms::pseudonyms(const siphash_key& key, bool users)
    : device_(key.derive("device")),
      geo_(key.derive("geo")),
      session_(key.derive("session")),
      user_a_(key.derive("user.a")),
      user_b_(key.derive("user.b")),
      users_(users) {}

std::string pseudonyms::hashed(const siphash_key& k, const std::string& text) const {
  std::string out;
  out.reserve(context_chars);
  append_hex(out, siphash24(k, text));
  return out;
}

void pseudonyms::apply(event& e) const {
  // In place: the text's own buffer takes the hash when large enough.
  auto replace = [](const siphash_key& k, std::string& text) {
    if (text.empty())
      return;
    uint64_t h = siphash24(k, text);
    text.resize(context_chars);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < context_chars; ++i)
      text[i] = digits[(h >> (60 - 4 * i)) & 0xf];
  };
  replace(device_, e.device);
  replace(geo_, e.geo);
  replace(session_, e.session);
  if (users_)
    e.user = user(e.user);
}

std::string pseudonyms::context(const std::string& purpose, const std::string& text) const {
  if (text.empty())
    return text;
  const siphash_key& k = purpose == "device" ? device_ : purpose == "geo" ? geo_ : session_;
  return hashed(k, text);
}

bool pseudonyms::is_user_pseudonym(const std::string& id) {
  if (id.size() != user_chars || id[0] != 'u' || id[1] != ':')
    return false;
  for (size_t i = 2; i < id.size(); ++i)
    if (!is_hex(id[i]))
      return false;
  return true;
}

std::string pseudonyms::user(const std::string& id) const {
  if (!users_ || id.empty() || id.size() > max_id_bytes || is_user_pseudonym(id))
    return id;
  static const char digits[] = "0123456789abcdef";
  char out[user_chars];
  out[0] = 'u';
  out[1] = ':';
  uint64_t halves[2] = {siphash24(user_a_, id), siphash24(user_b_, id)};
  for (size_t i = 0; i < 32; ++i)
    out[2 + i] = digits[(halves[i / 16] >> (60 - 4 * (i % 16))) & 0xf];
  return std::string(out, user_chars);
}

}  // namespace persona
