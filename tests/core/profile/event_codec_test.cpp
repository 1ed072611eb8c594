#include <catch2/catch.hpp>
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
