// Over TCP, a client whose MessagePack library sends every string as a bin
// (as older ones do): method names, map keys and text values as bins holding
// UTF-8 are served as strs; a bin that is not UTF-8 is refused, naming it.
#include <catch2/catch.hpp>
#include <string>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

using packer = msgpack::packer<msgpack::sbuffer>;

void pack_bin(packer& pk, const std::string& s) {
  pk.pack_bin(static_cast<uint32_t>(s.size()));
  pk.pack_bin_body(s.data(), static_cast<uint32_t>(s.size()));
}

/// Packs `v` with every string, map keys included, as a bin.
void pack_all_bin(packer& pk, msgpack::sbuffer& buf, const value& v) {
  if (v.is_string()) {
    pack_bin(pk, v.as_string());
  } else if (v.is_array()) {
    pk.pack_array(static_cast<uint32_t>(v.as_array().size()));
    for (auto& x : v.as_array())
      pack_all_bin(pk, buf, x);
  } else if (v.is_map()) {
    pk.pack_map(static_cast<uint32_t>(v.as_map().size()));
    for (auto& [k, x] : v.as_map()) {
      pack_bin(pk, k);
      pack_all_bin(pk, buf, x);
    }
  } else {
    net::pack_value(pk, buf, v);
  }
}

/// [0, msgid, method, params] with the method and every string as bins.
std::string bin_request(uint32_t msgid, const std::string& method, const value& params) {
  msgpack::sbuffer buf;
  packer pk(buf);
  pk.pack_array(4);
  pk.pack_uint8(0);
  pk.pack_uint32(msgid);
  pack_bin(pk, method);
  pack_all_bin(pk, buf, params);
  return std::string(buf.data(), buf.size());
}

/// [2, method, params] with the method and every string as bins.
std::string bin_notification(const std::string& method, const value& params) {
  msgpack::sbuffer buf;
  packer pk(buf);
  pk.pack_array(3);
  pk.pack_uint8(2);
  pack_bin(pk, method);
  pack_all_bin(pk, buf, params);
  return std::string(buf.data(), buf.size());
}

/// The answer to the request just written: its result, or "code: message".
struct answer {
  uint32_t msgid = 0;
  value result;
  std::string error;
};

answer read_answer(raw_connection& raw) {
  msgpack::object_handle oh;
  while (raw.decoder.next(oh) != net::frame_decoder::outcome::message) {
    char* buf = raw.decoder.prepare(65536);
    size_t n = raw.socket.read_some(boost::asio::buffer(buf, 65536));
    raw.decoder.commit(n);
  }
  auto& a = oh.get().via.array;
  answer out;
  out.msgid = static_cast<uint32_t>(a.ptr[1].via.u64);
  if (a.ptr[2].type != msgpack::type::NIL) {
    auto st = net::status_from_error(a.ptr[2]);
    out.error = std::string(to_string(st.code())) + ": " + st.message();
  } else {
    out.result = *net::to_value(a.ptr[3], "result");
  }
  return out;
}

answer call(raw_connection& raw, uint32_t msgid, const std::string& method, const value& params) {
  raw.write(bin_request(msgid, method, params));
  auto a = read_answer(raw);
  REQUIRE(a.msgid == msgid);
  return a;
}

const std::string not_utf8 = "\xc3\x28";  // a two-byte lead followed by '('

}  // namespace

TEST_CASE("a client that sends every string as a bin ingests and reads profiles") {
  test_node node;
  raw_connection raw(node.port());
  // Neovim's client opens so: a notification no node method answers.
  raw.write(bin_notification("nvim_set_client_info", args({value{"client"}, map_of({})})));
  auto pong = call(raw, 1, "ping", args({}));
  REQUIRE(pong.error.empty());
  CHECK(pong.result.as_string() == "pong");

  auto events = events_of({map_of({{"user", value{"ana"}},
                                   {"type", value{"purchase"}},
                                   {"item", value{"sku-1"}},
                                   {"category", value{value::array{value{"shoes"}}}},
                                   {"price", value{25.0}},
                                   {"quantity", value{2}},
                                   {"device", value{"phone"}},
                                   {"id", value{"e-1"}},
                                   {"ts", value{t0}}}),
                           map_of({{"user", value{"ana"}},
                                   {"type", value{"search"}},
                                   {"query", value{"boots"}},
                                   {"ts", value{t0 + 1}}})});
  auto ingested = call(raw, 2, "ingest", events);
  REQUIRE(ingested.error.empty());
  CHECK(ingested.result.find("accepted")->as_int() == 2);
  CHECK(ingested.result.find("rejected")->as_array().empty());

  auto attrs = call(raw, 3, "set_attributes", args({value{"ana"}, map_of({{"tier", value{"gold"}}})}));
  REQUIRE(attrs.error.empty());

  auto profile =
      call(raw, 4, "get_profile",
           args({value{"ana"},
                 map_of({{"fields", value{value::array{value{"counts"}, value{"rfm"}, value{"attributes"},
                                                       value{"affinity"}}}}})}));
  REQUIRE(profile.error.empty());
  CHECK(profile.result.find("counts")->find("purchase")->as_int() == 1);
  CHECK(profile.result.find("counts")->find("search")->as_int() == 1);
  CHECK(profile.result.find("rfm")->find("monetary")->as_double() == 50.0);
  CHECK(profile.result.find("attributes")->find("tier")->as_string() == "gold");
  CHECK(profile.result.find("affinity")->find("category")->find("shoes") != nullptr);
  CHECK(profile.result.find("user") == nullptr);  // fields was read as names

  // The event id sent as a bin is the same id as a str: the resend is a duplicate.
  auto again = call(raw, 5, "ingest", events_of({events.as_array()[0].as_array()[0]}));
  REQUIRE(again.error.empty());
  REQUIRE(again.result.find("rejected")->as_array().size() == 1);
  CHECK(again.result.find("rejected")->as_array()[0].find("code")->as_string() == "duplicate");
}

TEST_CASE("a bin that is not UTF-8 is refused, naming what held it, and the connection stays open") {
  test_node node;
  raw_connection raw(node.port());

  SECTION("as a method name") {
    auto a = call(raw, 1, not_utf8, args({}));
    CHECK(a.error ==
          "bad_request: the method name is a bin that is not UTF-8: send it as a str, or as a bin "
          "holding UTF-8");
  }
  SECTION("as a user id") {
    auto a = call(raw, 1, "get_profile", args({value{not_utf8}}));
    CHECK(a.error ==
          "bad_request: user is a bin that is not UTF-8: send text as a str, or as a bin holding UTF-8");
  }
  SECTION("as a map key of params") {
    auto a = call(raw, 1, "set_attributes", args({value{"ana"}, map_of({{not_utf8, value{1}}})}));
    CHECK(a.error ==
          "bad_request: a map key of attributes is a bin that is not UTF-8: send text as a str, or as a bin "
          "holding UTF-8");
  }
  SECTION("as a value inside params") {
    auto a = call(raw, 1, "set_attributes", args({value{"ana"}, map_of({{"tier", value{not_utf8}}})}));
    CHECK(
        a.error ==
        "bad_request: attributes is a bin that is not UTF-8: send text as a str, or as a bin holding UTF-8");
  }
  SECTION("inside an event, which alone is rejected") {
    auto a =
        call(raw, 1, "ingest",
             events_of({map_of({{"user", value{not_utf8}}, {"type", value{"view"}}, {"item", value{"i"}}}),
                        map_of({{"user", value{"ana"}}, {"type", value{not_utf8}}, {"item", value{"i"}}}),
                        map_of({{"user", value{"ana"}}, {"type", value{"view"}}, {"item", value{"i"}}})}));
    REQUIRE(a.error.empty());
    CHECK(a.result.find("accepted")->as_int() == 1);
    auto& rejected = a.result.find("rejected")->as_array();
    REQUIRE(rejected.size() == 2);
    CHECK(rejected[0].find("code")->as_string() == "bad_user");
    CHECK(rejected[1].find("code")->as_string() == "bad_type");
  }
  SECTION("as the name of a notification, which is ignored like any unknown one") {
    raw.write(bin_notification(not_utf8, args({})));
  }
  auto pong = call(raw, 9, "ping", args({}));
  REQUIRE(pong.error.empty());
  CHECK(pong.result.as_string() == "pong");
}
