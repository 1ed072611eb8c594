#include <catch2/catch.hpp>
#include <cmath>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/profile/event_validation.hpp"
#include "net/event_decoder.hpp"
#include "tools/loadgen/event_encoding.hpp"
#include "tools/loadgen/event_stream.hpp"
#include "tools/loadgen/shop_simulation.hpp"

using namespace persona;
using namespace persona::loadgen;

namespace {

simulation_options tiny_shop() {
  simulation_options o;
  o.users = 500;
  o.catalog.items = 400;
  o.catalog.categories = 5;
  o.anomalous_share = 0.05;
  return o;
}

}  // namespace

TEST_CASE("encoded batches decode into valid protocol events that say what the simulation said") {
  shop_simulation sim(tiny_shop());
  std::vector<sim_event> events;
  for (int i = 0; i < 5000; ++i)
    events.push_back(sim.next());
  std::vector<uint32_t> index(events.size());
  std::iota(index.begin(), index.end(), 0);
  auto params = encode_ingest_params(events, index.data(), index.size(), sim.catalog());
  auto handle = msgpack::unpack(params.data(), params.size());
  auto& outer = handle.get();
  REQUIRE(outer.type == msgpack::type::ARRAY);
  REQUIRE(outer.via.array.size == 1);
  auto& list = outer.via.array.ptr[0];
  REQUIRE(list.via.array.size == events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    event e;
    REQUIRE(net::decode_event(list.via.array.ptr[i], e));
    auto rejected = validate_event(e);
    INFO("event " << i << ": " << (rejected ? rejected->message : ""));
    REQUIRE_FALSE(rejected.has_value());
    auto& s = events[i];
    CHECK(e.user == sim_event::user_id(s.user));
    CHECK(e.type == s.type);
    CHECK(e.ts == s.ts);
    if (s.type == event_type::purchase || s.type == event_type::refund) {
      CHECK(e.price == sim.catalog().price_of(s.item));
      CHECK(e.quantity == s.quantity);
    }
  }
}

TEST_CASE("a dumped JSON line carries the same event") {
  shop_simulation sim(tiny_shop());
  for (int i = 0; i < 2000; ++i) {
    auto s = sim.next();
    auto j = nlohmann::json::parse(event_json(s, sim.catalog()));
    CHECK(j["user"] == sim_event::user_id(s.user));
    CHECK(j["type"] == to_string(s.type));
    CHECK(j["ts"] == s.ts);
    if (s.item != no_item)
      CHECK(j["item"] == shop_catalog::item_id(s.item));
    if (s.type == event_type::purchase)
      CHECK(j["price"].get<double>() == sim.catalog().price_of(s.item));
  }
}

TEST_CASE("an engine event is the event the wire encoding decodes into") {
  shop_simulation sim(tiny_shop());
  std::vector<sim_event> events;
  for (int i = 0; i < 3000; ++i)
    events.push_back(sim.next());
  std::vector<uint32_t> index(events.size());
  std::iota(index.begin(), index.end(), 0);
  auto params = encode_ingest_params(events, index.data(), index.size(), sim.catalog());
  auto handle = msgpack::unpack(params.data(), params.size());
  auto& list = handle.get().via.array.ptr[0];
  for (size_t i = 0; i < events.size(); ++i) {
    event wire;
    REQUIRE(net::decode_event(list.via.array.ptr[i], wire));
    auto e = engine_event(events[i], sim.catalog());
    INFO("event " << i);
    CHECK_FALSE(validate_event(e).has_value());
    CHECK(e.present == wire.present);
    CHECK(e.user == wire.user);
    CHECK(e.type == wire.type);
    CHECK(e.ts == wire.ts);
    CHECK(e.item == wire.item);
    CHECK(e.session == wire.session);
    CHECK(e.query == wire.query);
    CHECK(e.device == wire.device);
    CHECK(e.geo == wire.geo);
    CHECK(e.channel == wire.channel);
    CHECK(e.quantity == wire.quantity);
    CHECK((e.price == wire.price || (std::isnan(e.price) && std::isnan(wire.price))));
    CHECK((e.value == wire.value || (std::isnan(e.value) && std::isnan(wire.value))));
  }
}

TEST_CASE("the stream keeps each user on one lane, in time order, cut into batches") {
  shop_simulation sim(tiny_shop());
  auto stream = generate_stream(
      sim, 10000, 3, 64,
      [](const std::vector<sim_event>&, const uint32_t*, size_t n) { return std::to_string(n); }, nullptr);
  REQUIRE(stream.events.size() == 10000);
  size_t total = 0;
  for (uint32_t lane = 0; lane < 3; ++lane) {
    auto& l = stream.lanes[lane];
    total += l.events.size();
    CHECK(std::is_sorted(l.events.begin(), l.events.end()));
    for (auto i : l.events)
      CHECK(lane_of(stream.events[i].user, 3) == lane);
    CHECK(l.batches.size() == (l.events.size() + 63) / 64);
    for (size_t b = 0; b < l.batches.size(); ++b)
      CHECK(l.batches[b] == std::to_string(stream.batch_events(lane, b).second));
  }
  CHECK(total == 10000);
}
