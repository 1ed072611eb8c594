// msgpack_value: conversions between msgpack objects and persona::value,
// and the packing of values into a msgpack stream. Strings become strings,
// and so do binaries holding UTF-8 (some MessagePack libraries send every
// string as a bin); a bin that is not UTF-8 and ext types are refused. Any
// thread.
#pragma once

#include <cstring>
#include <msgpack.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona::net {

/// Converts `o` into a value. Fails (bad_request naming `what`) on ext types
/// and on a bin, as a value or a map key, that is not UTF-8.
result<value> to_value(const msgpack::object& o, const std::string& what);

/// Writes a float64 as float64 always: msgpack-cxx's pack_double turns
/// integral doubles into integers, and clients expect the documented type.
template <class Stream>
void pack_float64(Stream& out, double d) {
  uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  char buf[9];
  buf[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i)
    buf[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  out.write(buf, sizeof buf);
}

/// Packs `v` into `pk`, which writes to `out`.
template <class Stream>
void pack_value(msgpack::packer<Stream>& pk, Stream& out, const value& v) {
  switch (v.type()) {
    case value::kind::nil:
      pk.pack_nil();
      break;
    case value::kind::boolean:
      v.as_bool() ? pk.pack_true() : pk.pack_false();
      break;
    case value::kind::integer:
      pk.pack_int64(v.as_int());
      break;
    case value::kind::unsigned_integer: {
      uint64_t u = 0;
      v.get_uint(u);
      pk.pack_uint64(u);
      break;
    }
    case value::kind::real:
      pack_float64(out, v.as_double());
      break;
    case value::kind::string:
      pk.pack_str(static_cast<uint32_t>(v.as_string().size()));
      pk.pack_str_body(v.as_string().data(), static_cast<uint32_t>(v.as_string().size()));
      break;
    case value::kind::array:
      pk.pack_array(static_cast<uint32_t>(v.as_array().size()));
      for (auto& x : v.as_array())
        pack_value(pk, out, x);
      break;
    case value::kind::map:
      pk.pack_map(static_cast<uint32_t>(v.as_map().size()));
      for (auto& [k, x] : v.as_map()) {
        pk.pack_str(static_cast<uint32_t>(k.size()));
        pk.pack_str_body(k.data(), static_cast<uint32_t>(k.size()));
        pack_value(pk, out, x);
      }
      break;
  }
}

/// What reading a name or an id found.
enum class text_read {
  /// `out` holds the text.
  ok,
  /// `o` is of another type.
  wrong_type,
  /// `o` is a bin whose bytes are not UTF-8.
  not_utf8,
};

/// A name (method, key, type, category): a str, or a bin holding UTF-8.
text_read read_text(const msgpack::object& o, std::string& out);

/// The text of a str, or of a bin holding UTF-8, without a copy; nullopt
/// for other types and for a bin that is not UTF-8.
std::optional<std::string_view> text_view(const msgpack::object& o);

/// An id (user or item): a name as read_text() takes it, or an unsigned
/// integer as its decimal string.
text_read read_id(const msgpack::object& o, std::string& out);

/// The message of a bad_request for a bin that is not UTF-8, naming `what`.
std::string not_utf8_message(const std::string& what);

}  // namespace persona::net
