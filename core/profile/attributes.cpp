#include "core/profile/attributes.hpp"

#include <algorithm>

namespace persona {

status validate_attributes(const value& attrs, size_t cap) {
  if (!attrs.is_map())
    return {error_code::bad_request, "attributes must be a map of name to string, number, bool or nil"};
  if (attrs.as_map().size() > cap)
    return {error_code::bad_request, "attributes may set at most " + std::to_string(cap) + " names at once"};
  for (auto& [name, v] : attrs.as_map()) {
    if (name.empty() || name.size() > 256)
      return {error_code::bad_request, "attribute names must be 1 to 256 bytes long"};
    bool ok = v.is_nil() || v.is_bool() || v.is_number() || (v.is_string() && v.as_string().size() <= 4096);
    if (!ok)
      return {error_code::bad_request,
              "attributes." + name +
                  " must be a string (at most 4096 bytes), a number, a bool, or nil to delete it"};
  }
  return {};
}

status apply_attributes(profile& p, const value& attrs, symbol_table& symbols, size_t cap) {
  // Count the names the profile would hold afterwards before touching it.
  size_t after = p.attributes.size();
  for (auto& [name, v] : attrs.as_map()) {
    auto id = symbols.find(name);
    bool held = id != symbol_table::missing &&
                std::any_of(p.attributes.begin(), p.attributes.end(), [&](auto& a) { return a.first == id; });
    if (v.is_nil() && held)
      --after;
    else if (!v.is_nil() && !held)
      ++after;
  }
  if (after > cap)
    return {error_code::bad_request, "a profile holds at most " + std::to_string(cap) +
                                         " attributes; delete some (set them to nil) first"};
  for (auto& [name, v] : attrs.as_map()) {
    auto id = symbols.intern(name);
    auto it = std::find_if(p.attributes.begin(), p.attributes.end(), [&](auto& a) { return a.first == id; });
    if (v.is_nil()) {
      if (it != p.attributes.end())
        p.attributes.erase(it);
    } else if (it != p.attributes.end()) {
      it->second = v;
    } else {
      p.attributes.emplace_back(id, v);
    }
  }
  return {};
}

}  // namespace persona
