#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/profile/profile.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Noon UTC: purchases then are not night purchases.
constexpr int64_t noon = t0 + 12 * ms_per_hour;

struct shard {
  symbol_table symbols;
  profile_config cfg;
  profile p;

  void take(const event& e) { apply_to(p, e, symbols, cfg); }
  /// The affinity of `name` in `table` valued at `now`.
  double score(const affinity_table& table, const std::string& name, int64_t now) const {
    return table.raw_score(symbols.find(name), now, cfg.affinity_half_life_ms);
  }
  std::vector<std::string> recent() const {
    std::vector<std::string> out;
    for (auto& r : p.recent.items())
      out.push_back(symbols.name(r.item));
    return out;
  }
};

}  // namespace

TEST_CASE("a new profile has seen nothing") {
  profile p;
  CHECK(p.first_seen_ms == -1);
  CHECK(p.last_seen_ms == -1);
  CHECK(p.last_cart_ms == -1);
  CHECK(p.cluster == -1);
  for (auto c : p.counts)
    CHECK(c == 0);
  CHECK(p.sessions.count() == 0);
  CHECK(p.recent.items().empty());
  CHECK(p.segments.empty());
  CHECK(p.attributes.empty());
}

TEST_CASE("each event moves first and last seen, and counts its type for life and in the windows") {
  shard s;
  s.take(make_event("u", event_type::view, noon, "i1"));
  s.take(make_event("u", event_type::view, noon + hours(2), "i2"));
  s.take(make_event("u", event_type::click, noon - hours(1), "i1"));  // a late event
  CHECK(s.p.first_seen_ms == noon - hours(1));
  CHECK(s.p.last_seen_ms == noon + hours(2));
  CHECK(s.p.counts[static_cast<size_t>(event_type::view)] == 2);
  CHECK(s.p.counts[static_cast<size_t>(event_type::click)] == 1);
  CHECK(s.p.counts[static_cast<size_t>(event_type::purchase)] == 0);
  CHECK(s.p.windows.count(time_window::h24, event_type::view, noon + hours(2)) == 2);
  CHECK(s.p.windows.count(time_window::h1, event_type::view, noon + hours(2)) == 1);
  CHECK(s.p.windows.count(time_window::h24, event_type::click, noon + hours(2)) == 1);
}

TEST_CASE("affinities take each event type's weight, for every category and the brand") {
  shard s;
  s.take(with_brand(with_category(make_event("u", event_type::view, noon, "i1"), {"shoes", "sale"}), "acme"));
  s.take(with_category(make_event("u", event_type::add_to_cart, noon, "i1"), {"shoes"}));
  s.take(with_brand(with_category(make_event("u", event_type::purchase, noon, "i2"), {"hats"}), "zeta"));
  // A rating counts by its value: 4 x 4 / 5.
  s.take(with_category(make_event("u", event_type::rating, noon, "i2"), {"hats"}));
  // Types weighted 0 touch no affinity.
  s.take(with_category(make_event("u", event_type::remove_from_cart, noon, "i3"), {"socks"}));
  s.take(with_category(make_event("u", event_type::refund, noon, "i3"), {"socks"}));
  auto search = with_category(make_event("u", event_type::search, noon), {"scarves"});
  s.take(search);

  auto& cats = s.p.category_affinity;
  CHECK(s.score(cats, "shoes", noon) == Approx(1 + 4));
  CHECK(s.score(cats, "sale", noon) == Approx(1));
  CHECK(s.score(cats, "hats", noon) == Approx(8 + 4 * 4.0 / 5));
  CHECK(s.score(cats, "scarves", noon) == Approx(1));
  CHECK(cats.share(s.symbols.find("socks")) < 0);  // never held
  CHECK(s.score(s.p.brand_affinity, "acme", noon) == Approx(1));
  CHECK(s.score(s.p.brand_affinity, "zeta", noon) == Approx(8));
  CHECK(s.p.brand_affinity.size() == 2);
  // A week later, everything has halved.
  CHECK(s.score(cats, "shoes", noon + days(7)) == Approx(2.5));
}

TEST_CASE("recent items keep what the user viewed, clicked, carted, bought or rated, newest first") {
  shard s;
  s.take(make_event("u", event_type::view, noon, "i1"));
  s.take(make_event("u", event_type::click, noon + 1000, "i2"));
  s.take(make_event("u", event_type::add_to_cart, noon + 2000, "i3"));
  s.take(make_event("u", event_type::remove_from_cart, noon + 3000, "i4"));
  s.take(make_event("u", event_type::refund, noon + 4000, "i5"));
  s.take(make_event("u", event_type::rating, noon + 5000, "i6"));
  s.take(make_event("u", event_type::search, noon + 6000));
  s.take(make_event("u", event_type::purchase, noon + 7000, "i1"));  // i1 moves to the front
  CHECK(s.recent() == std::vector<std::string>{"i1", "i6", "i3", "i2"});
}

TEST_CASE("prices: views count toward the viewed average, purchases and refunds toward rfm") {
  shard s;
  s.take(with_price(make_event("u", event_type::view, noon, "i1"), 50));
  s.take(make_event("u", event_type::view, noon, "i2"));  // no price: not averaged
  s.take(with_price(make_event("u", event_type::purchase, noon + 1000, "i1"), 20, 3));
  s.take(make_event("u", event_type::purchase, noon + 2000, "i3"));  // no price: counted, worth nothing
  s.take(with_price(make_event("u", event_type::refund, noon + 3000, "i1"), 20, 1));
  auto& b = s.p.purchases;
  CHECK(*b.avg_viewed_price() == Approx(50));
  CHECK(b.purchases() == 2);
  CHECK(b.refunds() == 1);
  CHECK(b.monetary() == Approx(3 * 20 - 20));
  CHECK(*b.avg_order_value() == Approx(60.0 / 2));
  CHECK(*b.avg_purchased_price() == Approx(20));
  CHECK(b.last_purchase_ms() == noon + 2000);
}

TEST_CASE("the newest add_to_cart is remembered, whatever order carts arrive in") {
  shard s;
  s.take(make_event("u", event_type::view, noon, "i1"));
  CHECK(s.p.last_cart_ms == -1);
  s.take(make_event("u", event_type::add_to_cart, noon + 5000, "i1"));
  s.take(make_event("u", event_type::add_to_cart, noon + 1000, "i2"));  // late
  CHECK(s.p.last_cart_ms == noon + 5000);
}

TEST_CASE("sessions and the latest session's summary follow the events") {
  shard s;
  s.take(with_category(make_event("u", event_type::view, noon, "i1"), {"shoes"}));
  s.take(with_category(make_event("u", event_type::view, noon + minutes(10), "i2"), {"shoes"}));
  CHECK(s.p.sessions.count() == 1);
  CHECK(s.p.latest_session.views() == 2);
  // Past the 30-minute gap: a new session, summarised from nothing.
  s.take(with_category(make_event("u", event_type::view, noon + minutes(50), "i3"), {"hats"}));
  CHECK(s.p.sessions.count() == 2);
  CHECK(s.p.latest_session.views() == 1);
  CHECK(s.p.latest_session.focus() == s.symbols.find("hats"));
  // A client session id starts a session without a gap.
  auto e = make_event("u", event_type::view, noon + minutes(51), "i4");
  e.session = "s-2";
  e.mark(event_key::session);
  s.take(e);
  CHECK(s.p.sessions.count() == 3);
}

TEST_CASE("events carry their device and geo to the risk signals") {
  shard s;
  auto from = [](event e, const std::string& device, const std::string& geo) {
    e.device = device;
    e.mark(event_key::device);
    e.geo = geo;
    e.mark(event_key::geo);
    return e;
  };
  auto flagged = [&](risk_flag f, int64_t now) {
    return (s.p.risk.flags(now, s.p.purchases, s.cfg.risk) & (1u << static_cast<unsigned>(f))) != 0;
  };
  s.take(from(make_event("u", event_type::view, noon, "i1"), "phone", "DE"));
  CHECK_FALSE(flagged(risk_flag::new_device, noon));
  s.take(from(make_event("u", event_type::view, noon + hours(1), "i1"), "laptop", "DE"));
  CHECK(flagged(risk_flag::new_device, noon + hours(1)));
  CHECK_FALSE(flagged(risk_flag::new_geo, noon + hours(1)));
}

TEST_CASE("a profile's memory counts what it holds on the heap, and an ordinary event touches its start") {
  shard s;
  CHECK(s.p.memory_bytes() == sizeof(profile));
  s.take(with_brand(
      with_category(with_price(make_event("u", event_type::purchase, noon, "i1"), 10), {"shoes"}), "acme"));
  size_t after_event = s.p.memory_bytes();
  CHECK(after_event > sizeof(profile));
  // An attribute with a long string adds at least its text.
  s.p.attributes.emplace_back(s.symbols.intern("bio"), value{std::string(300, 'x')});
  CHECK(s.p.memory_bytes() >= after_event + 300);

  auto offset = [&](const void* field) {
    return static_cast<size_t>(static_cast<const char*>(field) - reinterpret_cast<const char*>(&s.p));
  };
  // The fields every event writes lie within the hot bytes; the duplicate
  // window and attributes, read only by some events, after them.
  CHECK(profile::hot_bytes() > offset(&s.p.risk));
  CHECK(profile::hot_bytes() > offset(&s.p.segments));
  CHECK(profile::hot_bytes() <= offset(&s.p.seen_ids));
  CHECK(profile::hot_bytes() < sizeof(profile));
}
