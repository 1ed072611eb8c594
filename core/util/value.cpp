#include "core/util/value.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "core/util/byte_codec.hpp"

namespace persona {

bool value::is_number() const {
  auto k = type();
  return k == kind::integer || k == kind::unsigned_integer || k == kind::real;
}

bool value::is_integer() const {
  auto k = type();
  return k == kind::integer || k == kind::unsigned_integer;
}

double value::as_double() const {
  switch (type()) {
    case kind::integer:
      return static_cast<double>(std::get<int64_t>(data_));
    case kind::unsigned_integer:
      return static_cast<double>(std::get<uint64_t>(data_));
    case kind::real:
      return std::get<double>(data_);
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

int64_t value::as_int() const {
  if (type() == kind::integer)
    return std::get<int64_t>(data_);
  auto u = std::get<uint64_t>(data_);
  return u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
}

bool value::get_uint(uint64_t& out) const {
  if (type() == kind::unsigned_integer) {
    out = std::get<uint64_t>(data_);
    return true;
  }
  if (type() == kind::integer && std::get<int64_t>(data_) >= 0) {
    out = static_cast<uint64_t>(std::get<int64_t>(data_));
    return true;
  }
  return false;
}

const value* value::find(const std::string& key) const {
  if (!is_map())
    return nullptr;
  for (auto& m : as_map())
    if (m.first == key)
      return &m.second;
  return nullptr;
}

value& value::set(std::string key, value v) {
  auto& m = as_map();
  m.emplace_back(std::move(key), std::move(v));
  return m.back().second;
}

bool operator==(const value& a, const value& b) {
  if (a.is_number() && b.is_number() && a.type() != b.type())
    return a.as_double() == b.as_double();
  return a.data_ == b.data_;
}

namespace {

void append_json_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", d);
  out += buf;
  // Keep floats recognisable as floats.
  if (!std::strpbrk(buf, ".eE"))
    out += ".0";
}

void append_json(std::string& out, const value& v, int indent, int depth) {
  auto newline = [&](int d) {
    if (indent <= 0)
      return;
    out += '\n';
    out.append(static_cast<size_t>(d) * static_cast<size_t>(indent), ' ');
  };
  switch (v.type()) {
    case value::kind::nil:
      out += "null";
      break;
    case value::kind::boolean:
      out += v.as_bool() ? "true" : "false";
      break;
    case value::kind::integer:
      out += std::to_string(v.as_int());
      break;
    case value::kind::unsigned_integer: {
      uint64_t u = 0;
      v.get_uint(u);
      out += std::to_string(u);
      break;
    }
    case value::kind::real:
      append_json_number(out, v.as_double());
      break;
    case value::kind::string:
      append_json_string(out, v.as_string());
      break;
    case value::kind::array: {
      auto& a = v.as_array();
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i)
          out += ',';
        newline(depth + 1);
        append_json(out, a[i], indent, depth + 1);
      }
      if (!a.empty())
        newline(depth);
      out += ']';
      break;
    }
    case value::kind::map: {
      auto& m = v.as_map();
      out += '{';
      for (size_t i = 0; i < m.size(); ++i) {
        if (i)
          out += ',';
        newline(depth + 1);
        append_json_string(out, m[i].first);
        out += indent > 0 ? ": " : ":";
        append_json(out, m[i].second, indent, depth + 1);
      }
      if (!m.empty())
        newline(depth);
      out += '}';
      break;
    }
  }
}

void encode_into(byte_writer& w, const value& v) {
  w.put_u8(static_cast<uint8_t>(v.type()));
  switch (v.type()) {
    case value::kind::nil:
      break;
    case value::kind::boolean:
      w.put_u8(v.as_bool() ? 1 : 0);
      break;
    case value::kind::integer:
      w.put_i64(v.as_int());
      break;
    case value::kind::unsigned_integer: {
      uint64_t u = 0;
      v.get_uint(u);
      w.put_u64(u);
      break;
    }
    case value::kind::real:
      w.put_f64(v.as_double());
      break;
    case value::kind::string:
      w.put_string(v.as_string());
      break;
    case value::kind::array:
      w.put_varint(v.as_array().size());
      for (auto& x : v.as_array())
        encode_into(w, x);
      break;
    case value::kind::map:
      w.put_varint(v.as_map().size());
      for (auto& m : v.as_map()) {
        w.put_string(m.first);
        encode_into(w, m.second);
      }
      break;
  }
}

bool decode_from(byte_reader& r, value& out, int depth) {
  if (depth > 64)
    return false;
  uint8_t tag = 0;
  if (!r.get_u8(tag))
    return false;
  switch (static_cast<value::kind>(tag)) {
    case value::kind::nil:
      out = value{};
      return true;
    case value::kind::boolean: {
      uint8_t b = 0;
      if (!r.get_u8(b))
        return false;
      out = value{b != 0};
      return true;
    }
    case value::kind::integer: {
      int64_t i = 0;
      if (!r.get_i64(i))
        return false;
      out = value{i};
      return true;
    }
    case value::kind::unsigned_integer: {
      uint64_t u = 0;
      if (!r.get_u64(u))
        return false;
      out = value{u};
      return true;
    }
    case value::kind::real: {
      double d = 0;
      if (!r.get_f64(d))
        return false;
      out = value{d};
      return true;
    }
    case value::kind::string: {
      std::string s;
      if (!r.get_string(s))
        return false;
      out = value{std::move(s)};
      return true;
    }
    case value::kind::array: {
      uint64_t n = 0;
      if (!r.get_varint(n) || n > r.remaining())
        return false;
      // Grown as elements decode, never sized from the declared count: a
      // corrupt count costs no more memory than the bytes that follow.
      value::array a;
      for (uint64_t i = 0; i < n; ++i)
        if (!decode_from(r, a.emplace_back(), depth + 1))
          return false;
      out = value{std::move(a)};
      return true;
    }
    case value::kind::map: {
      uint64_t n = 0;
      if (!r.get_varint(n) || n > r.remaining() / 2)
        return false;
      value::map m;
      for (uint64_t i = 0; i < n; ++i) {
        auto& x = m.emplace_back();
        if (!r.get_string(x.first) || !decode_from(r, x.second, depth + 1))
          return false;
      }
      out = value{std::move(m)};
      return true;
    }
  }
  return false;
}

}  // namespace

std::string value::to_json() const {
  std::string out;
  append_json(out, *this, 0, 0);
  return out;
}

std::string value::to_pretty_json() const {
  std::string out;
  append_json(out, *this, 2, 0);
  return out;
}

std::string encode_value(const value& v) {
  byte_writer w;
  encode_into(w, v);
  return w.take();
}

bool decode_value(const std::string& bytes, value& out) {
  byte_reader r(bytes);
  return decode_from(r, out, 0) && r.remaining() == 0;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace persona
