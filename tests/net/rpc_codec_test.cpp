#include <catch2/catch.hpp>

#include "net/event_decoder.hpp"
#include "net/msgpack_value.hpp"
#include "net/rpc_codec.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::net;
using namespace persona::test;

namespace {

msgpack::object_handle unpack(const std::string& bytes) {
  return msgpack::unpack(bytes.data(), bytes.size());
}

std::optional<std::string> shape_problem(const value& v, std::optional<uint32_t>& id) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pack_value(pk, buf, v);
  auto oh = msgpack::unpack(buf.data(), buf.size());
  rpc_message m;
  return parse_message(oh.get(), m, id);
}

}  // namespace

TEST_CASE("the three message shapes are recognised and others refused") {
  std::optional<uint32_t> id;
  CHECK_FALSE(
      shape_problem(value{value::array{value{0}, value{1}, value{"ping"}, value{value::array{}}}}, id));
  CHECK_FALSE(shape_problem(value{value::array{value{2}, value{"ingest"}, value{value::array{}}}}, id));
  CHECK_FALSE(shape_problem(value{value::array{value{1}, value{1}, value{}, value{"x"}}}, id));
  id.reset();
  CHECK(shape_problem(value{value::array{value{0}, value{5}, value{42}, value{value::array{}}}}, id));
  CHECK(*id == 5);  // the msgid was readable: the node answers before closing
  id.reset();
  CHECK(shape_problem(value{value::array{value{0}, value{6}, value{"ping"}, value{"no array"}}}, id));
  CHECK(*id == 6);
  id.reset();
  CHECK(shape_problem(value{"just a string"}, id));
  CHECK_FALSE(id);
  CHECK(shape_problem(value{value::array{value{3}, value{1}, value{"x"}, value{value::array{}}}}, id));
  CHECK(shape_problem(value{value::array{value{0}, value{-1}, value{"x"}, value{value::array{}}}}, id));
}

TEST_CASE("floats stay floats on the wire, even integral ones") {
  auto bytes = encode_response(1, value{map_of({{"monetary", value{0.0}}, {"n", value{3}}})});
  auto oh = unpack(bytes);
  auto& result = oh.get().via.array.ptr[3];
  CHECK(result.via.map.ptr[0].val.type == msgpack::type::FLOAT64);
  CHECK(result.via.map.ptr[1].val.type == msgpack::type::POSITIVE_INTEGER);
}

TEST_CASE("errors travel as {code, message} maps and come back as statuses") {
  auto bytes = encode_response(9, status{error_code::not_found, "no profile for user 'x'"});
  auto oh = unpack(bytes);
  auto st = status_from_error(oh.get().via.array.ptr[2]);
  CHECK(st.code() == error_code::not_found);
  CHECK(st.message() == "no profile for user 'x'");
  CHECK(oh.get().via.array.ptr[3].type == msgpack::type::NIL);
}

TEST_CASE("events decode with ids as strings or integers and wrong types marked") {
  auto good = map_of({{"user", value{uint64_t{42}}},
                      {"type", value{"purchase"}},
                      {"item", value{"i1"}},
                      {"price", value{19}},
                      {"category", value{value::array{value{"a"}, value{"b"}}}},
                      {"ts", value{}},
                      {"extra", value{"ignored"}}});
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pack_value(pk, buf, good);
  auto oh = msgpack::unpack(buf.data(), buf.size());
  event e;
  REQUIRE(decode_event(oh.get(), e));
  CHECK(e.user == "42");
  CHECK(e.type == event_type::purchase);
  CHECK(e.price == 19.0);
  CHECK(e.categories.size() == 2);
  CHECK_FALSE(e.has(event_key::ts));
  CHECK(e.wrong_type == 0);

  auto bad = map_of({{"user", value{"u"}},
                     {"type", value{"view"}},
                     {"item", value{"i"}},
                     {"price", value{"9"}},
                     {"quantity", value{1.5}},
                     {"device", value{7}}});
  msgpack::sbuffer buf2;
  msgpack::packer<msgpack::sbuffer> pk2(buf2);
  pack_value(pk2, buf2, bad);
  auto oh2 = msgpack::unpack(buf2.data(), buf2.size());
  event f;
  REQUIRE(decode_event(oh2.get(), f));
  CHECK(f.wrong_type & key_bit(event_key::price));
  CHECK(f.wrong_type & key_bit(event_key::quantity));
  CHECK(f.wrong_type & key_bit(event_key::device));
  CHECK_FALSE(f.wrong_type & key_bit(event_key::user));
}

TEST_CASE("msgpack ext types are refused with the parameter named") {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_ext(1, 5);
  pk.pack_ext_body("\x01", 1);
  auto oh = msgpack::unpack(buf.data(), buf.size());
  auto v = to_value(oh.get(), "attributes");
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message().find("attributes") != std::string::npos);
}

TEST_CASE("a method name may be a bin: UTF-8 is read as the name, other bytes are marked") {
  auto parse = [](const std::string& name, int type, rpc_message& m) {
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_array(type == 0 ? 4 : 3);
    pk.pack_uint8(static_cast<uint8_t>(type));
    if (type == 0)
      pk.pack_uint32(7);
    pk.pack_bin(static_cast<uint32_t>(name.size()));
    pk.pack_bin_body(name.data(), static_cast<uint32_t>(name.size()));
    pk.pack_array(0);
    auto oh = msgpack::unpack(buf.data(), buf.size());
    std::optional<uint32_t> id;
    return parse_message(oh.get(), m, id);
  };
  rpc_message request;
  REQUIRE_FALSE(parse("ping", 0, request));
  CHECK(request.method == "ping");
  CHECK_FALSE(request.method_not_utf8);
  rpc_message notification;
  REQUIRE_FALSE(parse("nvim_set_client_info", 2, notification));
  CHECK(notification.type == rpc_message::kind::notification);
  CHECK(notification.method == "nvim_set_client_info");
  rpc_message broken;
  REQUIRE_FALSE(parse("\xff\xfe", 0, broken));  // answered bad_request, not a broken message
  CHECK(broken.method_not_utf8);
  CHECK(broken.method.empty());
}

TEST_CASE("events decode with keys and text as bins holding UTF-8") {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  auto bin = [&pk](const std::string& s) {
    pk.pack_bin(static_cast<uint32_t>(s.size()));
    pk.pack_bin_body(s.data(), static_cast<uint32_t>(s.size()));
  };
  pk.pack_map(6);
  bin("user");
  bin("ana");
  bin("type");
  bin("purchase");
  bin("item");
  bin("sku-\xc3\xa9");
  bin("category");
  pk.pack_array(2);
  bin("shoes");
  bin("boots");
  bin("brand");
  bin("\xff");  // not UTF-8: the wrong type
  bin("id");
  bin("e-1");
  auto oh = msgpack::unpack(buf.data(), buf.size());
  event e;
  REQUIRE(decode_event(oh.get(), e));
  CHECK(e.user == "ana");
  CHECK(e.type == event_type::purchase);
  CHECK(e.item == "sku-\xc3\xa9");
  CHECK(e.categories == std::vector<std::string>{"shoes", "boots"});
  CHECK(e.id == "e-1");
  CHECK(e.has(event_key::id));
  CHECK(e.wrong_type == key_bit(event_key::brand));
}

TEST_CASE("a bin value or map key that is not UTF-8 is refused with the parameter named") {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map(1);
  pk.pack_bin(2);
  pk.pack_bin_body("\xc0\xaf", 2);  // an overlong '/'
  pk.pack(1);
  auto oh = msgpack::unpack(buf.data(), buf.size());
  auto v = to_value(oh.get(), "attributes");
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().code() == error_code::bad_request);
  CHECK(v.error().message() ==
        "a map key of attributes is a bin that is not UTF-8: send text as a str, or as a bin holding UTF-8");

  msgpack::sbuffer ok_buf;
  msgpack::packer<msgpack::sbuffer> ok_pk(ok_buf);
  ok_pk.pack_bin(4);
  ok_pk.pack_bin_body("gold", 4);
  auto ok_oh = msgpack::unpack(ok_buf.data(), ok_buf.size());
  auto gold = to_value(ok_oh.get(), "attributes");
  REQUIRE(gold.ok());
  CHECK(gold->as_string() == "gold");
}
