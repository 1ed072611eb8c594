#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/model/model_feed.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// One shard's feed, symbols and profile, over node-wide name indexes.
struct shard {
  std::shared_ptr<name_index> items, categories, brands;
  item_model_config cfg;
  symbol_table symbols;
  profile_config profile_cfg;
  profile p;
  model_feed feed;

  explicit shard(labeller_options labels = {})
      : shard(std::make_shared<name_index>(), std::make_shared<name_index>(), std::make_shared<name_index>(),
              labels) {}
  /// A shard of the node whose name indexes these are.
  shard(std::shared_ptr<name_index> node_items, std::shared_ptr<name_index> node_categories,
        std::shared_ptr<name_index> node_brands, labeller_options labels = {})
      : items(std::move(node_items)),
        categories(std::move(node_categories)),
        brands(std::move(node_brands)),
        feed(items, categories, brands, cfg, labels) {
    // The shard's symbols are not the node's ids.
    symbols.intern("something else");
  }

  /// Applies `e` to the profile in slot 0, then shows it to the feed.
  void take(const event& e) {
    event_symbols syms;
    if (e.has(event_key::item))
      syms.item = symbols.intern(e.item);
    if (e.has(event_key::brand))
      syms.brand = symbols.intern(e.brand);
    for (auto& c : e.categories)
      syms.categories[syms.category_count++] = symbols.intern(c);
    apply_event(p, e, syms, profile_cfg);
    feed.observe(0, p, e, syms, symbols);
  }
  std::vector<uint32_t> context_of(const item_signal& s) const {
    return std::vector<uint32_t>(s.context.begin(), s.context.begin() + s.context_count);
  }
  std::vector<uint32_t> item_ids(std::vector<std::string> names) const {
    std::vector<uint32_t> out;
    for (auto& n : names)
      out.push_back(items->find(n));
    return out;
  }
};

}  // namespace

TEST_CASE("an interaction becomes a signal in node-wide ids, the user's earlier items its context") {
  shard s;
  s.take(with_category(make_event("u", event_type::view, t0, "i1"), {"shoes"}));
  s.take(with_brand(with_category(make_event("u", event_type::click, t0 + 1000, "i2"), {"hats", "sale"}),
                    "acme"));
  s.take(make_event("u", event_type::purchase, t0 + 2000, "i1"));
  CHECK(s.feed.collected() == 3);
  CHECK(s.feed.oldest_ns() > 0);

  auto batch = s.feed.take();
  REQUIRE(batch.signals.size() == 3);
  CHECK_FALSE(batch.replayed);
  auto& view = batch.signals[0];
  CHECK(view.item == s.items->find("i1"));
  CHECK(view.ts_ms == t0);
  CHECK(view.weight == s.cfg.weights[static_cast<size_t>(event_type::view)]);
  CHECK(view.brand == name_index::npos);
  REQUIRE(view.category_count == 1);
  CHECK(view.categories[0] == s.categories->find("shoes"));
  CHECK(view.context_count == 0);

  auto& click = batch.signals[1];
  CHECK(click.item == s.items->find("i2"));
  CHECK(click.weight == 1.5f);
  CHECK(click.brand == s.brands->find("acme"));
  REQUIRE(click.category_count == 2);
  CHECK(click.categories[0] == s.categories->find("hats"));
  CHECK(click.categories[1] == s.categories->find("sale"));
  CHECK(s.context_of(click) == s.item_ids({"i1"}));

  // The purchase of i1 again: its context is what came before, not itself.
  auto& purchase = batch.signals[2];
  CHECK(purchase.item == s.items->find("i1"));
  CHECK(purchase.weight == 5.0f);
  CHECK(s.context_of(purchase) == s.item_ids({"i2"}));

  // Taking the batch starts a new one.
  CHECK(s.feed.collected() == 0);
  CHECK(s.feed.oldest_ns() == 0);
  CHECK(s.feed.take().signals.empty());
}

TEST_CASE("events that are not interactions, or name no item, send no signal") {
  shard s;
  s.take(make_event("u", event_type::view, t0, "i1"));
  s.take(make_event("u", event_type::search, t0 + 1));
  s.take(make_event("u", event_type::login, t0 + 2));
  s.take(make_event("u", event_type::remove_from_cart, t0 + 3, "i1"));
  s.take(make_event("u", event_type::refund, t0 + 4, "i1"));
  CHECK(s.feed.collected() == 1);
  // An interaction weighted 0 by the configuration sends nothing either.
  item_model_config no_views;
  no_views.weights[static_cast<size_t>(event_type::view)] = 0;
  model_feed feed(s.items, s.categories, s.brands, no_views);
  event_symbols syms;
  syms.item = s.symbols.find("i1");
  feed.observe(0, s.p, make_event("u", event_type::view, t0 + 5, "i1"), syms, s.symbols);
  CHECK(feed.collected() == 0);
}

TEST_CASE("a signal's context is the user's newest earlier items, at most max_context of them") {
  shard s;
  for (int i = 0; i < 10; ++i)
    s.take(make_event("u", event_type::view, t0 + i * 1000, "i" + std::to_string(i)));
  s.take(make_event("u", event_type::view, t0 + 10000, "i10"));
  auto batch = s.feed.take();
  REQUIRE(batch.signals.size() == 11);
  auto& last = batch.signals.back();
  REQUIRE(last.context_count == item_signal::max_context);
  CHECK(s.context_of(last) == s.item_ids({"i9", "i8", "i7", "i6", "i5", "i4"}));
}

TEST_CASE("shards with different symbols send the same node-wide ids for the same names") {
  shard a;
  shard b(a.items, a.categories, a.brands);
  b.symbols.intern("one");
  b.symbols.intern("two");
  a.take(with_category(make_event("u", event_type::view, t0, "i1"), {"shoes"}));
  b.take(with_category(make_event("v", event_type::view, t0, "i1"), {"shoes"}));
  REQUIRE(a.symbols.find("i1") != b.symbols.find("i1"));
  auto from_a = a.feed.take().signals.at(0);
  auto from_b = b.feed.take().signals.at(0);
  CHECK(from_a.item == from_b.item);
  CHECK(from_a.categories[0] == from_b.categories[0]);
  CHECK(a.items->size() == 1);
  // A symbol's id, once known, is the same every time; missing has none.
  auto i1 = a.symbols.find("i1");
  CHECK(a.feed.item_id(i1, a.symbols) == from_a.item);
  CHECK(b.feed.item_id(b.symbols.find("i1"), b.symbols) == from_a.item);
  CHECK(a.feed.item_id(symbol_table::missing, a.symbols) == name_index::npos);
  // A brand the node has not seen is interned on first use.
  auto acme = a.feed.brand_id(a.symbols.intern("acme"), a.symbols);
  CHECK(acme == a.brands->find("acme"));
  CHECK(acme != name_index::npos);
}

TEST_CASE("a profile's history replays oldest first, each item with the ones before it as context") {
  shard s;
  for (int i = 1; i <= 3; ++i)
    apply_to(s.p, make_event("u", event_type::view, t0 + i * 1000, "i" + std::to_string(i)), s.symbols);
  s.feed.replay_history(s.p, s.symbols);
  CHECK(s.feed.collected() == 3);
  auto batch = s.feed.take();
  CHECK(batch.replayed);
  REQUIRE(batch.signals.size() == 3);
  CHECK(batch.signals[0].item == s.items->find("i1"));
  CHECK(batch.signals[0].ts_ms == t0 + 1000);
  CHECK(batch.signals[0].weight == 1);
  CHECK(batch.signals[0].context_count == 0);
  CHECK(batch.signals[1].item == s.items->find("i2"));
  CHECK(s.context_of(batch.signals[1]) == s.item_ids({"i1"}));
  CHECK(batch.signals[2].item == s.items->find("i3"));
  CHECK(s.context_of(batch.signals[2]) == s.item_ids({"i2", "i1"}));

  // A profile without items replays nothing and marks nothing.
  s.feed.replay_history(profile{}, s.symbols);
  CHECK(s.feed.collected() == 0);
  CHECK_FALSE(s.feed.take().replayed);
}

TEST_CASE("a user's taste: recent items newest first and affinity shares, in node-wide ids") {
  shard s;
  CHECK_FALSE(s.feed.taste(nullptr, s.symbols).known);
  auto empty = s.feed.taste(&s.p, s.symbols);
  CHECK(empty.known);
  CHECK(empty.recent.empty());

  s.take(with_brand(with_category(make_event("u", event_type::view, t0 + 1500, "i1"), {"shoes"}), "acme"));
  s.take(with_category(make_event("u", event_type::add_to_cart, t0 + 1500, "i2"), {"hats"}));
  auto t = s.feed.taste(&s.p, s.symbols);
  CHECK(t.known);
  REQUIRE(t.recent.size() == 2);
  CHECK(t.recent[0].item == s.items->find("i2"));
  CHECK(t.recent[1].item == s.items->find("i1"));
  CHECK(t.recent[0].ts_ms == t0 + 1000);  // profiles keep seconds
  CHECK(t.has_seen(s.items->find("i1")));
  REQUIRE(t.categories.size() == 2);
  CHECK(t.categories[0].first == s.categories->find("hats"));
  CHECK(t.categories[0].second == Approx(0.8));
  CHECK(t.categories[1].first == s.categories->find("shoes"));
  CHECK(t.categories[1].second == Approx(0.2));
  REQUIRE(t.brands.size() == 1);
  CHECK(t.brands[0].first == s.brands->find("acme"));
  CHECK(t.brands[0].second == Approx(1.0));
}

TEST_CASE("labelled propensity examples travel in the batch with the signals") {
  labeller_options every_event;
  every_event.sample_rate = 1;
  every_event.probe_spread_ms = 0;
  every_event.census_share = 0;
  shard s(every_event);
  auto lookup = [&](uint32_t slot) -> const profile* { return slot == 0 ? &s.p : nullptr; };
  s.take(make_event("u", event_type::view, t0, "i1"));
  s.feed.advance(t0, 1, lookup);
  s.take(with_price(make_event("u", event_type::purchase, t0 + hours(2), "i1"), 10));
  // Two signals and the example the purchase labelled.
  CHECK(s.feed.collected() == 3);
  auto batch = s.feed.take();
  CHECK(batch.signals.size() == 2);
  REQUIRE(batch.examples.size() == 1);
  CHECK(batch.examples[0].label == 1.0f);
  CHECK(s.feed.collected() == 0);

  // A forgotten slot's example is never labelled.
  s.feed.advance(t0 + hours(2), 1, lookup);
  s.feed.forget(0);
  s.take(with_price(make_event("u", event_type::purchase, t0 + hours(3), "i1"), 10));
  CHECK(s.feed.take().examples.empty());
}
