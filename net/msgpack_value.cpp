#include "net/msgpack_value.hpp"

#include "core/util/utf8.hpp"

namespace persona::net {

namespace {

result<value> convert(const msgpack::object& o, const std::string& what, int depth) {
  if (depth > 64)
    return status{error_code::bad_request, what + " nests deeper than 64 levels"};
  switch (o.type) {
    case msgpack::type::NIL:
      return value{};
    case msgpack::type::BOOLEAN:
      return value{o.via.boolean};
    case msgpack::type::POSITIVE_INTEGER:
      return value{static_cast<uint64_t>(o.via.u64)};
    case msgpack::type::NEGATIVE_INTEGER:
      return value{static_cast<int64_t>(o.via.i64)};
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return value{o.via.f64};
    case msgpack::type::STR:
      return value{std::string(o.via.str.ptr, o.via.str.size)};
    case msgpack::type::BIN: {
      std::string_view bytes(o.via.bin.ptr, o.via.bin.size);
      if (!is_utf8(bytes))
        return status{error_code::bad_request, not_utf8_message(what)};
      return value{std::string(bytes)};
    }
    case msgpack::type::ARRAY: {
      value::array a;
      a.reserve(o.via.array.size);
      for (uint32_t i = 0; i < o.via.array.size; ++i) {
        auto x = convert(o.via.array.ptr[i], what, depth + 1);
        if (!x.ok())
          return x;
        a.push_back(std::move(*x));
      }
      return value{std::move(a)};
    }
    case msgpack::type::MAP: {
      value::map m;
      m.reserve(o.via.map.size);
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        auto& kv = o.via.map.ptr[i];
        std::string key;
        auto read = read_id(kv.key, key);
        if (read == text_read::not_utf8)
          return status{error_code::bad_request, not_utf8_message("a map key of " + what)};
        if (read != text_read::ok)
          return status{error_code::bad_request, what + " has a map key that is not a string"};
        auto x = convert(kv.val, what, depth + 1);
        if (!x.ok())
          return x;
        m.emplace_back(std::move(key), std::move(*x));
      }
      return value{std::move(m)};
    }
    default:
      return status{error_code::bad_request,
                    what + " holds a msgpack ext type, which Persona does not accept"};
  }
}

}  // namespace

result<value> to_value(const msgpack::object& o, const std::string& what) {
  return convert(o, what, 0);
}

std::optional<std::string_view> text_view(const msgpack::object& o) {
  if (o.type == msgpack::type::STR)
    return std::string_view(o.via.str.ptr, o.via.str.size);
  if (o.type == msgpack::type::BIN) {
    std::string_view bytes(o.via.bin.ptr, o.via.bin.size);
    if (is_utf8(bytes))
      return bytes;
  }
  return std::nullopt;
}

text_read read_text(const msgpack::object& o, std::string& out) {
  if (o.type != msgpack::type::STR && o.type != msgpack::type::BIN)
    return text_read::wrong_type;
  auto text = text_view(o);
  if (!text)
    return text_read::not_utf8;
  out.assign(text->data(), text->size());
  return text_read::ok;
}

text_read read_id(const msgpack::object& o, std::string& out) {
  if (o.type == msgpack::type::POSITIVE_INTEGER) {
    out = std::to_string(o.via.u64);
    return text_read::ok;
  }
  return read_text(o, out);
}

std::string not_utf8_message(const std::string& what) {
  return what + " is a bin that is not UTF-8: send text as a str, or as a bin holding UTF-8";
}

}  // namespace persona::net
