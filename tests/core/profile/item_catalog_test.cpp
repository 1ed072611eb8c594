#include <catch2/catch.hpp>

#include "core/profile/item_catalog.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

item_record record(const std::string& item, const std::string& cat, const std::string& brand, double price) {
  item_record r;
  r.item = item;
  r.info.categories = {cat};
  r.info.brand = brand;
  r.info.price = price;
  return r;
}

}  // namespace

TEST_CASE("events are enriched from the catalog only where they are silent") {
  auto cat = item_catalog{}.with({record("i1", "shoes", "acme", 50)});
  profile_store store;
  auto apply = [&](event e) { store.apply({e}, {0}, cat.get()); };
  auto profile = [&](const std::string& user) { return *store.render(user, t0, {}); };

  apply(make_event("a", event_type::view, t0, "i1"));
  auto a = profile("a");
  CHECK(a.find("affinity")->find("category")->find("shoes")->as_double() == 1.0);
  CHECK(a.find("affinity")->find("brand")->find("acme")->as_double() == 1.0);
  CHECK(a.find("price")->find("avg_viewed")->as_double() == 50);

  // The event's own category and price win; the brand still comes from the catalog.
  apply(with_price(with_category(make_event("b", event_type::view, t0, "i1"), {"boots"}), 40));
  auto b = profile("b");
  CHECK(b.find("affinity")->find("category")->find("boots") != nullptr);
  CHECK(b.find("affinity")->find("category")->find("shoes") == nullptr);
  CHECK(b.find("price")->find("avg_viewed")->as_double() == 40);
  CHECK(b.find("affinity")->find("brand")->find("acme") != nullptr);

  apply(make_event("c", event_type::view, t0, "i9"));
  CHECK(profile("c").find("affinity")->find("category")->as_map().empty());

  // A new catalog version reaches items the shard has cached already.
  auto v2 = cat->with({record("i1", "hats", "hatco", 5)});
  store.apply({make_event("d", event_type::view, t0, "i1")}, {0}, v2.get());
  CHECK(profile("d").find("affinity")->find("category")->find("hats") != nullptr);
}

TEST_CASE("an upsert makes a new version and leaves the old one intact") {
  auto v1 = item_catalog{}.with({record("i1", "shoes", "acme", 50)});
  auto v2 = v1->with({record("i1", "boots", "acme", 60), record("i2", "hats", "hatco", 5)});
  CHECK(v1->size() == 1);
  CHECK(v2->size() == 2);
  CHECK(v1->find("i1")->price == 50);
  CHECK(v2->find("i1")->price == 60);
  CHECK(v1->find("i2") == nullptr);
}

TEST_CASE("bad item records are rejected with the key's code") {
  item_record r;
  CHECK(parse_item_record(value{"i1"}, r)->code == "bad_item");
  CHECK(parse_item_record(map_of({{"category", value{"x"}}}), r)->code == "bad_item");
  CHECK(parse_item_record(map_of({{"item", value{"i1"}}, {"category", value{3}}}), r)->code ==
        "bad_category");
  CHECK(parse_item_record(map_of({{"item", value{"i1"}}, {"price", value{-3}}}), r)->code == "bad_price");
  CHECK(parse_item_record(map_of({{"item", value{"i1"}}, {"brand", value{""}}}), r)->code == "bad_brand");
  CHECK(parse_item_record(map_of({{"item", value{"i1"}}, {"tags", value{"x"}}}), r)->code == "bad_tags");
  item_record ok;
  CHECK_FALSE(parse_item_record(map_of({{"item", value{uint64_t{42}}}, {"price", value{9.5}}}), ok));
  CHECK(ok.item == "42");
}
