#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "core/profile/event_codec.hpp"
#include "core/storage/wal_record.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("events round-trip through the event codec with exactly the keys they had") {
  auto a =
      with_category(with_price(with_id(make_event("u1", event_type::purchase, t0, "i9"), "ev-1"), 12.5, 3),
                    {"shoes", "sale"});
  a.session = "s1";
  a.mark(event_key::session);
  a.device = "phone";
  a.mark(event_key::device);
  auto b = make_event("u2", event_type::search, t0 + 5);
  auto c = make_event("u3", event_type::rating, t0 + 9, "i2");
  std::string payload;
  encode_batch_payload(payload, {a, b, c});
  wal_entry e;
  REQUIRE(decode_wal_entry(static_cast<uint8_t>(wal_kind::batch), payload, e));
  REQUIRE(e.events.size() == 3);
  auto& x = e.events[0];
  CHECK(x.user == "u1");
  CHECK(x.type == event_type::purchase);
  CHECK(x.ts == t0);
  CHECK(x.item == "i9");
  CHECK(x.id == "ev-1");
  CHECK(x.price == 12.5);
  CHECK(x.quantity == 3);
  CHECK(x.categories == std::vector<std::string>{"shoes", "sale"});
  CHECK(x.session == "s1");
  CHECK(x.device == "phone");
  CHECK(x.present == a.present);
  CHECK(e.events[1].query == "shoes");
  CHECK(e.events[1].present == b.present);
  CHECK(e.events[2].value == 4);
  // Every strict prefix is malformed, never a crash.
  for (size_t n = 0; n < payload.size(); ++n)
    CHECK_FALSE(decode_wal_entry(static_cast<uint8_t>(wal_kind::batch), payload.substr(0, n), e));
}

TEST_CASE("encode_event writes only the keys an event has, and decode_event reads events one after another") {
  auto full = with_category(with_price(make_event("u1", event_type::purchase, t0, "i9"), 12.5, 3), {"shoes"});
  full.geo = "DE";
  full.mark(event_key::geo);
  full.channel = "app";
  full.mark(event_key::channel);
  auto bare = make_event("u2", event_type::login, t0 + 7);
  bare.item = "not marked";  // a field without its key is not written
  bare.wrong_type = key_bit(event_key::price);

  byte_writer w;
  encode_event(w, full);
  size_t full_size = w.size();
  encode_event(w, bare);
  auto bytes = w.take();
  // The bare event is its present bits, its user ("u2"), type and ts.
  CHECK(bytes.size() - full_size == 1 + (1 + 2) + 1 + 8);

  byte_reader r(bytes);
  event a, b;
  REQUIRE(decode_event(r, a));
  REQUIRE(decode_event(r, b));
  CHECK(r.remaining() == 0);
  CHECK(a.user == "u1");
  CHECK(a.item == "i9");
  CHECK(a.price == 12.5);
  CHECK(a.quantity == 3);
  CHECK(a.categories == std::vector<std::string>{"shoes"});
  CHECK(a.geo == "DE");
  CHECK(a.channel == "app");
  CHECK(a.present == full.present);
  CHECK(b.user == "u2");
  CHECK(b.type == event_type::login);
  CHECK(b.ts == t0 + 7);
  CHECK(b.item.empty());
  CHECK(b.present == bare.present);
  CHECK(b.wrong_type == 0);
  CHECK(std::isnan(b.price));
  CHECK(b.quantity == 1);
  event none;
  CHECK_FALSE(decode_event(r, none));  // nothing left
}

TEST_CASE("decode_event refuses an unknown event type and more categories than an event may have") {
  auto e = with_category(make_event("u", event_type::view, t0, "i1"), {"a"});
  byte_writer w;
  encode_event(w, e);
  auto good = w.take();
  event out;
  {
    byte_reader r(good);
    REQUIRE(decode_event(r, out));
  }
  // The type byte follows the present bits (one byte) and the user ("u": two).
  auto bad_type = good;
  bad_type[3] = static_cast<char>(event_type_count);
  byte_reader r1(bad_type);
  CHECK_FALSE(decode_event(r1, out));

  e.categories.assign(17, "c");
  byte_writer many;
  encode_event(many, e);
  auto too_many = many.take();
  byte_reader r2(too_many);
  CHECK_FALSE(decode_event(r2, out));
  e.categories.resize(16);
  byte_writer enough;
  encode_event(enough, e);
  auto sixteen = enough.take();
  byte_reader r3(sixteen);
  CHECK(decode_event(r3, out));
  CHECK(out.categories.size() == 16);
}
