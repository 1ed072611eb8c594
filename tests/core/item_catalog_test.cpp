#include <catch2/catch.hpp>

#include "core/item_catalog.hpp"
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
  auto e = make_event("u", event_type::view, t0, "i1");
  cat->enrich(e);
  CHECK(e.categories == std::vector<std::string>{"shoes"});
  CHECK(e.brand == "acme");
  CHECK(e.price == 50);
  auto own = with_price(with_category(make_event("u", event_type::view, t0, "i1"), {"boots"}), 40);
  cat->enrich(own);
  CHECK(own.categories == std::vector<std::string>{"boots"});
  CHECK(own.price == 40);
  CHECK(own.brand == "acme");
  auto unknown = make_event("u", event_type::view, t0, "i9");
  cat->enrich(unknown);
  CHECK(unknown.categories.empty());
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
