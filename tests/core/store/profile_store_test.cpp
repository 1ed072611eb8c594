#include <catch2/catch.hpp>
#include <random>

#include "core/profile/profile_codec.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

batch_outcome feed(profile_store& s, std::vector<event> events) {
  std::vector<uint32_t> idx(events.size());
  for (size_t i = 0; i < idx.size(); ++i)
    idx[i] = static_cast<uint32_t>(i);
  return s.apply(events, idx);
}

value profile_of(profile_store& s, const std::string& user, int64_t now) {
  auto r = s.render(user, now, {});
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("an event id is applied once and a resent one is rejected as duplicate") {
  profile_store s;
  auto e = with_id(make_event("u", event_type::view, t0, "i1"), "ev-1");
  auto first = feed(s, {e, e});
  CHECK(first.accepted == 1);
  REQUIRE(first.rejected.size() == 1);
  CHECK(first.rejected[0].index == 1);
  CHECK(first.rejected[0].code == "duplicate");
  auto again = feed(s, {e, with_id(make_event("u", event_type::view, t0, "i1"), "ev-2")});
  CHECK(again.accepted == 1);
  CHECK(again.rejected.size() == 1);
  CHECK(s.find("u")->counts[0] == 2);
  // The same id on another user is another event.
  CHECK(feed(s, {with_id(make_event("w", event_type::view, t0, "i1"), "ev-1")}).accepted == 1);
}

TEST_CASE("duplicates are remembered within the window of recent ids") {
  profile_config cfg;
  cfg.caps.event_ids = 4;
  profile_store s(cfg);
  for (int i = 0; i < 5; ++i)
    feed(s, {with_id(make_event("u", event_type::view, t0 + i, "i1"), "ev-" + std::to_string(i))});
  CHECK(feed(s, {with_id(make_event("u", event_type::view, t0, "i1"), "ev-4")}).accepted == 0);
  // ev-0 is older than the last 4 ids: no longer recognised (documented).
  CHECK(feed(s, {with_id(make_event("u", event_type::view, t0, "i1"), "ev-0")}).accepted == 1);
}

TEST_CASE("events of a user apply in batch order") {
  profile_store s;
  feed(s, {make_event("u", event_type::view, t0, "a"), make_event("u", event_type::view, t0, "b"),
           make_event("u", event_type::view, t0, "c")});
  auto p = profile_of(s, "u", t0);
  auto& recent = p.find("recent_items")->as_array();
  REQUIRE(recent.size() == 3);
  // Same timestamp: the later event in the batch is the newest.
  CHECK(recent[0].as_string() == "c");
  CHECK(recent[2].as_string() == "a");
}

TEST_CASE("the profile map has every documented key") {
  profile_store s;
  feed(s, {with_price(make_event("u", event_type::purchase, t0, "i1"), 10)});
  auto p = profile_of(s, "u", t0);
  for (auto key : {"user", "first_seen", "last_seen", "attributes", "counts", "windows", "sessions",
                   "affinity", "recent_items", "rfm", "purchase_cycle_days", "price", "risk", "tags",
                   "segments", "cluster", "predict"})
    CHECK(p.find(key) != nullptr);
  CHECK(p.find("rfm")->find("monetary")->as_double() == 10.0);
  auto only = s.render("u", t0, {"rfm", "tags"});
  REQUIRE(only.ok());
  CHECK(only->as_map().size() == 2);
  CHECK(s.render("nobody", t0, {}).error().code() == error_code::not_found);
}

TEST_CASE("attributes are set, replaced and deleted, and bad ones change nothing") {
  profile_config cfg;
  cfg.caps.attributes = 2;
  profile_store s(cfg);
  REQUIRE(s.set_attributes("u", map_of({{"age", value{30}}, {"city", value{"Oslo"}}})).ok());
  auto too_many = s.set_attributes("u", map_of({{"tier", value{"gold"}}}));
  CHECK(too_many.code() == error_code::bad_request);
  REQUIRE(s.set_attributes("u", map_of({{"age", value{}}, {"tier", value{"gold"}}})).ok());
  auto attrs = *profile_of(s, "u", t0).find("attributes");
  CHECK(attrs.find("age") == nullptr);
  CHECK(attrs.find("tier")->as_string() == "gold");
  CHECK(s.set_attributes("u", map_of({{"x", value{value::array{}}}})).code() == error_code::bad_request);
  // A profile made by attributes alone has seen no event: no times yet.
  auto p = profile_of(s, "u", t0);
  CHECK(p.find("first_seen")->is_nil());
  CHECK(p.find("last_seen")->is_nil());
}

TEST_CASE("a profile image round-trips through another symbol table") {
  profile_store a;
  feed(a, {with_category(with_price(make_event("u", event_type::purchase, t0, "i1"), 10), {"shoes"}),
           make_event("u", event_type::view, t0 + hours(1), "i2"),
           with_id(make_event("u", event_type::click, t0 + hours(2), "i3"), "e1")});
  a.set_attributes("u", map_of({{"age", value{30}}}));
  auto image = a.export_image("u");
  REQUIRE(image);
  profile_store b;
  feed(b, {with_category(make_event("other", event_type::view, t0, "zz"), {"hats"})});  // different symbols
  auto merged = b.merge_image("u", *image, t0 + hours(2), {});
  REQUIRE(merged.ok());
  CHECK(merged->to_json() == profile_of(a, "u", t0 + hours(2)).to_json());
  // The event id travelled with it.
  CHECK(feed(b, {with_id(make_event("u", event_type::click, t0, "i3"), "e1")}).rejected.size() == 1);
  // A truncated image is refused and changes nothing.
  symbol_table t;
  profile p;
  CHECK_FALSE(decode_profile(image->substr(0, image->size() / 2), t, p));
  CHECK(b.merge_image("v", image->substr(0, 10), t0, {}).error().code() == error_code::internal);
  CHECK(b.find("v") == nullptr);
}

TEST_CASE("merging folds the source's history into the target") {
  profile_store s;
  feed(s, {with_price(make_event("a", event_type::purchase, t0, "i1"), 10),
           make_event("a", event_type::view, t0 + 1, "i2"),
           with_price(make_event("b", event_type::purchase, t0 + days(10), "i3"), 30)});
  auto image = s.export_image("a");
  auto merged = s.merge_image("b", *image, t0 + days(10), {});
  REQUIRE(merged.ok());
  CHECK(merged->find("counts")->find("purchase")->as_int() == 2);
  CHECK(merged->find("counts")->find("view")->as_int() == 1);
  CHECK(merged->find("rfm")->find("monetary")->as_double() == 40.0);
  CHECK(merged->find("first_seen")->as_int() == t0);
  CHECK(*merged->find("purchase_cycle_days") == value{10.0});
  CHECK(merged->find("recent_items")->as_array()[0].as_string() == "i3");
}

TEST_CASE("a deleted user is gone and its slot is reused") {
  profile_store s;
  feed(s, {make_event("a", event_type::view, t0, "i1"), make_event("b", event_type::view, t0, "i1")});
  CHECK(s.erase("a"));
  CHECK_FALSE(s.erase("a"));
  CHECK(s.find("a") == nullptr);
  CHECK(s.size() == 1);
  feed(s, {make_event("c", event_type::view, t0, "i1")});
  CHECK(s.size() == 2);
  CHECK(s.find("b") != nullptr);
  CHECK(s.find("c")->counts[0] == 1);
}

TEST_CASE("the user index finds every user among many") {
  profile_store s;
  std::vector<event> ev;
  for (int i = 0; i < 20000; ++i)
    ev.push_back(make_event("user-" + std::to_string(i), event_type::view, t0, "i"));
  feed(s, ev);
  CHECK(s.size() == 20000);
  for (int i = 0; i < 20000; i += 7)
    CHECK(s.find("user-" + std::to_string(i)) != nullptr);
  for (int i = 0; i < 20000; i += 2)
    s.erase("user-" + std::to_string(i));
  CHECK(s.size() == 10000);
  CHECK(s.find("user-1") != nullptr);
  CHECK(s.find("user-2") == nullptr);
}

TEST_CASE("the running memory total equals a full recount after any mix of operations") {
  profile_store s;
  std::mt19937 rng(7);
  // Live segments past 64 ids, so memberships spill to the heap too.
  for (int k = 0; k < 70; ++k)
    REQUIRE(s.segments()
                .define(s, "views_" + std::to_string(k),
                        field_cond("counts.view", ">=", value{int64_t{k % 4}}), t0)
                .ok());
  for (int round = 0; round < 2000; ++round) {
    std::string user = "u" + std::to_string(rng() % 50);
    switch (rng() % 8) {
      case 0:
        s.erase(user);
        break;
      case 1:
        s.set_attributes(user,
                         map_of({{"k" + std::to_string(rng() % 5), value{std::string(rng() % 40, 'x')}}}));
        break;
      case 2: {
        auto image = s.export_image(user);
        if (image)
          s.merge_image("u" + std::to_string(rng() % 50), *image, t0, {});
        break;
      }
      case 3:
      case 4: {
        // Purchases (distinct months), refunds and ratings, from new
        // devices and places.
        auto type = rng() % 3 == 0 ? event_type::refund
                    : rng() % 2    ? event_type::purchase
                                   : event_type::rating;
        auto e = with_price(make_event(user, type, t0 + days(rng() % 400), "i" + std::to_string(rng() % 30)),
                            5 + rng() % 100);
        e.device = "d" + std::to_string(rng() % 12);
        e.mark(event_key::device);
        e.geo = "g" + std::to_string(rng() % 12);
        e.mark(event_key::geo);
        feed(s, {e});
        break;
      }
      default:
        feed(s, {with_category(with_id(make_event(user, event_type::view, t0 + round * 60000,
                                                  "i" + std::to_string(rng() % 30)),
                                       "e" + std::to_string(rng() % 200)),
                               {"c" + std::to_string(rng() % 20)})});
    }
    REQUIRE(s.stats().profile_bytes == s.recount_profile_bytes());
  }
}

TEST_CASE("a query scanned in slices merges to the answer of one whole scan") {
  profile_store s;
  std::vector<event> events;
  for (int u = 0; u < 500; ++u)
    for (int k = 0; k <= u % 7; ++k)
      events.push_back(with_price(make_event("u" + std::to_string(u), event_type::purchase, t0 + k, "i1"),
                                  10.0 * k + u % 13));
  feed(s, events);
  REQUIRE(s.erase("u3"));  // a free slot in the middle of the scan
  auto q = parse_query(
      field_cond("counts.purchase", ">=", value{3}),
      map_of({{"limit", value{7}},
              {"aggregate",
               value{value::array{map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"avg"}}}),
                                  map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"max"}}})}}}}),
      t0 + 100);
  REQUIRE(q.ok());
  auto whole = s.run_query(*q);
  REQUIRE(whole.ok());
  query_partial sliced;
  for (size_t first = 0; first < s.slot_count(); first += 37) {
    auto part = s.run_query(*q, first, 37);
    REQUIRE(part.ok());
    sliced.merge(std::move(*part), q->limit);
  }
  CHECK(sliced.count == whole->count);
  CHECK(sliced.users.size() == 7);
  auto a = finish_query(*q, *whole);
  auto b = finish_query(*q, sliced);
  auto& aa = a.find("aggregates")->as_array();
  auto& ba = b.find("aggregates")->as_array();
  REQUIRE(aa.size() == 2);
  CHECK(aa[0].find("value")->as_double() == Approx(ba[0].find("value")->as_double()));
  CHECK(aa[1].find("value")->as_double() == ba[1].find("value")->as_double());
}

TEST_CASE("a fold with a fold id happens once: a merge retried after a crash doubles nothing") {
  profile_store source_store, target_store;
  feed(source_store,
       {make_event("src", event_type::view, t0, "i1"), make_event("src", event_type::click, t0, "i1")});
  feed(target_store, {make_event("dst", event_type::view, t0, "i2")});
  auto image = *source_store.export_image("src");
  REQUIRE(target_store.merge_image("dst", image, t0, {}, 77).ok());
  REQUIRE(target_store.merge_image("dst", image, t0, {}, 77).ok());
  CHECK(target_store.find("dst")->counts[static_cast<size_t>(event_type::view)] == 2);
  CHECK(target_store.find("dst")->counts[static_cast<size_t>(event_type::click)] == 1);
  // Without a fold id every fold counts.
  REQUIRE(target_store.merge_image("dst", image, t0, {}, 0).ok());
  CHECK(target_store.find("dst")->counts[static_cast<size_t>(event_type::click)] == 2);
}

TEST_CASE("a purchase or refund without a price, its own or the catalog's, is rejected and changes nothing") {
  profile_store s;
  auto bare = make_event("u", event_type::purchase, t0, "sku-1");
  auto out = feed(s, {bare, make_event("u", event_type::refund, t0 + 1, "sku-1"),
                      with_price(make_event("w", event_type::purchase, t0, "sku-1"), 0)});
  CHECK(out.accepted == 1);  // a price of 0 is a price: a free item
  REQUIRE(out.rejected.size() == 2);
  CHECK(out.rejected[0].index == 0);
  CHECK(out.rejected[0].code == "bad_price");
  CHECK(out.rejected[0].message ==
        "a purchase needs a price: send price, or upsert item 'sku-1' with one first; the event changed "
        "nothing");
  CHECK(out.rejected[1].index == 1);
  CHECK(out.rejected[1].code == "bad_price");
  CHECK(s.find("u") == nullptr);  // no profile was made for it
  CHECK(s.size() == 1);

  SECTION("the catalog's price fills in, as for any event that leaves it out") {
    item_record known{"sku-1", {}};
    known.info.price = 30;
    item_record unpriced{"sku-2", {}};
    auto catalog = item_catalog{}.with({known, unpriced});
    std::vector<event> batch = {with_price(make_event("u", event_type::purchase, t0, "sku-1"), 0, 2),
                                make_event("u", event_type::purchase, t0 + 1, "sku-1"),
                                make_event("u", event_type::purchase, t0 + 2, "sku-2")};
    batch[0].present &= ~key_bit(event_key::price);  // a quantity of 2, no price
    std::vector<uint32_t> idx = {0, 1, 2};
    auto r = s.apply(batch, idx, 0, batch.size(), catalog.get());
    CHECK(r.accepted == 2);
    REQUIRE(r.rejected.size() == 1);
    CHECK(r.rejected[0].index == 2);  // the catalog knows sku-2, without a price
    CHECK(profile_of(s, "u", t0).find("rfm")->find("monetary")->as_double() == 90.0);
  }
}

TEST_CASE("without ids, events marked for content dedupe count once, unmarked ones each time") {
  profile_store s;
  auto view = make_event("u", event_type::view, t0, "i1");
  auto buy = with_price(make_event("u", event_type::purchase, t0 + 5, "i1"), 20);

  SECTION("off: a resent batch counts twice") {
    CHECK(feed(s, {view, buy}).accepted == 2);
    CHECK(feed(s, {view, buy}).accepted == 2);
    CHECK(profile_of(s, "u", t0).find("rfm")->find("monetary")->as_double() == 40.0);
  }
  SECTION("on: a resent batch counts once, and other events still apply") {
    view.present |= dedupe_by_content_bit;
    buy.present |= dedupe_by_content_bit;
    CHECK(feed(s, {view, buy}).accepted == 2);
    auto again = feed(s, {view, buy, with_price(make_event("u", event_type::purchase, t0 + 6, "i1"), 20)});
    CHECK(again.accepted == 1);
    REQUIRE(again.rejected.size() == 2);
    CHECK(again.rejected[0].code == "duplicate");
    CHECK(
        again.rejected[1].message ==
        "an event with the same type, item and ts was already applied to user 'u' (--dedupe-without-id); it "
        "changed nothing");
    CHECK(profile_of(s, "u", t0).find("rfm")->find("monetary")->as_double() == 40.0);
    CHECK(s.find("u")->counts[static_cast<size_t>(event_type::view)] == 1);
    // Another user's identical event is another event.
    auto theirs = view;
    theirs.user = "w";
    CHECK(feed(s, {theirs}).accepted == 1);
  }
}

TEST_CASE("content keys share the window of recent ids: an older resend is no longer recognised") {
  profile_config cfg;
  cfg.caps.event_ids = 3;
  profile_store s(cfg);
  auto marked = [](event e) {
    e.present |= dedupe_by_content_bit;
    return e;
  };
  for (int i = 0; i < 4; ++i)
    CHECK(feed(s, {marked(make_event("u", event_type::view, t0 + i, "i1"))}).accepted == 1);
  CHECK(feed(s, {marked(make_event("u", event_type::view, t0 + 3, "i1"))}).accepted == 0);
  CHECK(feed(s, {marked(make_event("u", event_type::view, t0, "i1"))}).accepted == 1);  // past the window
}
