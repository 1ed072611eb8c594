#include "net/msgpack_value.hpp"

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
    case msgpack::type::BIN:
      return value{std::string(o.via.bin.ptr, o.via.bin.size)};
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
        if (kv.key.type == msgpack::type::STR)
          key.assign(kv.key.via.str.ptr, kv.key.via.str.size);
        else if (kv.key.type == msgpack::type::POSITIVE_INTEGER)
          key = std::to_string(kv.key.via.u64);
        else
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

bool read_id(const msgpack::object& o, std::string& out) {
  if (o.type == msgpack::type::STR) {
    out.assign(o.via.str.ptr, o.via.str.size);
    return true;
  }
  if (o.type == msgpack::type::POSITIVE_INTEGER) {
    out = std::to_string(o.via.u64);
    return true;
  }
  return false;
}

}  // namespace persona::net
