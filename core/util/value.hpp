// value: a dynamically typed tree (nil, bool, integers, float, string, array,
// map), the shape of everything the protocol carries that has no fixed C++
// type: profile maps, attribute values, conditions, query results.
//
// Maps keep their insertion order (a vector of members), so rendered profiles
// keep the key order documented in docs/protocol.md. Values are plain data:
// any thread may own one; none is shared mutably.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace persona {

class value;

/// One key of a map value.
using member = std::pair<std::string, value>;

class value {
 public:
  using array = std::vector<value>;
  using map = std::vector<member>;

  enum class kind : uint8_t { nil, boolean, integer, unsigned_integer, real, string, array, map };

  value() = default;
  value(std::nullptr_t) {}
  value(bool x) : data_(x) {}
  value(int x) : data_(static_cast<int64_t>(x)) {}
  value(int64_t x) : data_(x) {}
  value(uint64_t x) : data_(x) {}
  value(uint32_t x) : data_(static_cast<uint64_t>(x)) {}
  value(double x) : data_(x) {}
  value(const char* x) : data_(std::string(x)) {}
  value(std::string x) : data_(std::move(x)) {}
  value(array x) : data_(std::move(x)) {}
  value(map x) : data_(std::move(x)) {}

  kind type() const { return static_cast<kind>(data_.index()); }
  bool is_nil() const { return type() == kind::nil; }
  bool is_bool() const { return type() == kind::boolean; }
  bool is_string() const { return type() == kind::string; }
  bool is_array() const { return type() == kind::array; }
  bool is_map() const { return type() == kind::map; }
  /// True for integers of either sign and for floats.
  bool is_number() const;
  /// True for signed or unsigned integers.
  bool is_integer() const;

  /// REQUIRES: the matching is_*() is true.
  bool as_bool() const { return std::get<bool>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const array& as_array() const { return std::get<array>(data_); }
  array& as_array() { return std::get<array>(data_); }
  const map& as_map() const { return std::get<map>(data_); }
  map& as_map() { return std::get<map>(data_); }
  /// Any number as a double. REQUIRES: is_number().
  double as_double() const;
  /// REQUIRES: is_integer(); unsigned values above INT64_MAX saturate.
  int64_t as_int() const;
  /// True for a non-negative integer; stores it in `out`.
  bool get_uint(uint64_t& out) const;

  /// The member `key` of a map, or nullptr when absent or not a map.
  const value* find(const std::string& key) const;

  /// Appends a member. REQUIRES: is_map().
  value& set(std::string key, value v);

  /// Compact JSON text (non-finite floats become null).
  std::string to_json() const;
  /// JSON indented by two spaces, for people.
  std::string to_pretty_json() const;

  friend bool operator==(const value& a, const value& b);
  friend bool operator!=(const value& a, const value& b) { return !(a == b); }

 private:
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, array, map> data_;
};

/// A binary encoding of a value tree, used to carry values inside actor
/// messages between nodes. Format: docs/formats.md ("value encoding").
std::string encode_value(const value& v);

/// Decodes what encode_value wrote; false on malformed input.
bool decode_value(const std::string& bytes, value& out);

/// Appends `text` as a JSON string (quoted; control characters and DEL
/// escaped).
void append_json_string(std::string& out, std::string_view text);

}  // namespace persona
