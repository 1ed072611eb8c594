#include "net/rpc_codec.hpp"

#include "net/msgpack_value.hpp"

namespace persona::net {

namespace {

bool read_uint32(const msgpack::object& o, uint32_t& out) {
  if (o.type != msgpack::type::POSITIVE_INTEGER || o.via.u64 > UINT32_MAX)
    return false;
  out = static_cast<uint32_t>(o.via.u64);
  return true;
}

/// A method name: a str, or a bin (UTF-8 or not: a bin that is not UTF-8
/// is marked in `m` and answered, not a broken message).
bool read_method(const msgpack::object& o, rpc_message& m) {
  auto read = read_text(o, m.method);
  if (read == text_read::not_utf8) {
    m.method.clear();
    m.method_not_utf8 = true;
  }
  return read != text_read::wrong_type;
}

void pack_str(msgpack::packer<msgpack::sbuffer>& pk, const std::string& s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

std::string take(msgpack::sbuffer& buf) {
  return std::string(buf.data(), buf.size());
}

}  // namespace

std::optional<std::string> parse_message(const msgpack::object& o, rpc_message& out,
                                         std::optional<uint32_t>& msgid) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size < 3)
    return std::string("a message must be an array: [0, msgid, method, params], [2, method, params]");
  auto* a = o.via.array.ptr;
  auto n = o.via.array.size;
  if (a[0].type != msgpack::type::POSITIVE_INTEGER)
    return std::string("the first element of a message must be its type: 0, 1 or 2");
  switch (a[0].via.u64) {
    case 0: {
      uint32_t id = 0;
      if (n != 4 || !read_uint32(a[1], id))
        return std::string("a request is [0, msgid (uint32), method (str), params (array)]");
      msgid = id;
      out.type = rpc_message::kind::request;
      out.msgid = id;
      if (!read_method(a[2], out))
        return std::string("a request's method must be a string (str, or bin holding UTF-8)");
      if (a[3].type != msgpack::type::ARRAY)
        return std::string("a request's params must be an array");
      out.params = &a[3];
      return std::nullopt;
    }
    case 1: {
      uint32_t id = 0;
      if (n != 4 || !read_uint32(a[1], id))
        return std::string("a response is [1, msgid, error, result]");
      out.type = rpc_message::kind::response;
      out.msgid = id;
      out.error = &a[2];
      out.params = &a[3];
      return std::nullopt;
    }
    case 2:
      if (n != 3 || !read_method(a[1], out) || a[2].type != msgpack::type::ARRAY)
        return std::string("a notification is [2, method (str or bin), params (array)]");
      out.type = rpc_message::kind::notification;
      out.params = &a[2];
      return std::nullopt;
    default:
      return std::string("the message type must be 0 (request), 1 (response) or 2 (notification)");
  }
}

value error_value(const status& st) {
  value m{value::map{}};
  m.set("code", value{to_string(st.code())});
  m.set("message", value{st.message()});
  return m;
}

std::string encode_response(uint32_t msgid, const result<value>& r) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(4);
  pk.pack_uint8(1);
  pk.pack_uint32(msgid);
  if (r.ok()) {
    pk.pack_nil();
    pack_value(pk, buf, *r);
  } else {
    pack_value(pk, buf, error_value(r.error()));
    pk.pack_nil();
  }
  return take(buf);
}

std::string encode_request(uint32_t msgid, const std::string& method, const value& params) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pack_value(pk, buf, params);
  return encode_request_raw(msgid, method, take(buf));
}

std::string encode_request_raw(uint32_t msgid, const std::string& method, const std::string& params_bytes) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(4);
  pk.pack_uint8(0);
  pk.pack_uint32(msgid);
  pack_str(pk, method);
  buf.write(params_bytes.data(), params_bytes.size());
  return take(buf);
}

std::string encode_notification(const std::string& method, const value& params) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(3);
  pk.pack_uint8(2);
  pack_str(pk, method);
  pack_value(pk, buf, params);
  return take(buf);
}

status status_from_error(const msgpack::object& error) {
  auto v = to_value(error, "error");
  if (!v.ok() || !v->is_map())
    return {error_code::internal, "the node sent an error that is not a {code, message} map"};
  auto* code = v->find("code");
  auto* message = v->find("message");
  auto parsed = code && code->is_string() ? error_code_from_string(code->as_string()) : std::nullopt;
  return {parsed.value_or(error_code::internal),
          message && message->is_string() ? message->as_string() : v->to_json()};
}

}  // namespace persona::net
