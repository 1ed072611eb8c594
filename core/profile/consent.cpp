#include "core/profile/consent.hpp"

#include <utility>

namespace persona {

namespace {

constexpr std::pair<const char*, uint8_t> flags_by_name[] = {
    {"profiling", consent_bit::profiling},
    {"recommend", consent_bit::recommend},
    {"marketing", consent_bit::marketing},
};

const uint8_t* bit_of(const std::string& name) {
  for (auto& [n, bit] : flags_by_name)
    if (name == n)
      return &bit;
  return nullptr;
}

}  // namespace

status validate_consent(const value& flags) {
  const char* shape = "consent must be a map of one to three of profiling, recommend, marketing, each a bool";
  if (!flags.is_map() || flags.as_map().empty())
    return {error_code::bad_request, shape};
  for (auto& [k, v] : flags.as_map()) {
    if (!bit_of(k))
      return {error_code::bad_request, "unknown consent '" + k + "'; " + shape};
    if (!v.is_bool())
      return {error_code::bad_request, "consent '" + k + "' must be a bool (true: granted)"};
  }
  return {};
}

uint8_t apply_consent(uint8_t withheld, const value& flags) {
  for (auto& [k, v] : flags.as_map()) {
    auto* bit = bit_of(k);
    if (!bit)
      continue;
    if (v.as_bool())
      withheld &= static_cast<uint8_t>(~*bit);
    else
      withheld |= *bit;
  }
  return withheld;
}

value consent_value(uint8_t withheld) {
  value out{value::map{}};
  for (auto& [n, bit] : flags_by_name)
    out.set(n, value{(withheld & bit) == 0});
  return out;
}

}  // namespace persona
