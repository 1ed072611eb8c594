#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/storage/wal_record.hpp"
#include "core/util/value.hpp"

using namespace persona;

TEST_CASE("every WAL payload kind round-trips") {
  wal_entry e;
  value attrs{value::map{}};
  attrs.set("age", value{int64_t{41}});
  REQUIRE(decode_wal_entry(2, encode_attributes_payload("u", attrs), e));
  CHECK(e.kind == wal_kind::attributes);
  CHECK(e.user == "u");
  CHECK(e.attributes.find("age")->as_int() == 41);
  REQUIRE(decode_wal_entry(3, encode_erase_payload("gone"), e));
  CHECK(e.user == "gone");
  REQUIRE(decode_wal_entry(4, encode_fold_payload("t", 99, "image"), e));
  CHECK(e.user == "t");
  CHECK(e.fold_id == 99);
  CHECK(e.image == "image");
  item_record item{"i1", {{"books"}, "acme", 9.5, {"new"}}};
  REQUIRE(decode_wal_entry(5, encode_catalog_payload(4, {item}), e));
  CHECK(e.catalog_version == 4);
  REQUIRE(e.items.size() == 1);
  CHECK(e.items[0].item == "i1");
  CHECK(e.items[0].info.brand == "acme");
  CHECK(e.items[0].info.price == 9.5);
  CHECK(e.items[0].info.tags == std::vector<std::string>{"new"});
  CHECK_FALSE(decode_wal_entry(42, "", e));
}
