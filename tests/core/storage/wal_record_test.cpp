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

TEST_CASE("a WAL payload whose counts exceed its bytes does not decode") {
  wal_entry e;
  SECTION("a batch of a million events in a few bytes") {
    std::string payload("\xc0\x84\x3d", 3);  // varint 1,000,000
    payload += std::string(40, '\0');
    CHECK_FALSE(decode_wal_entry(static_cast<uint8_t>(wal_kind::batch), payload, e));
  }
  SECTION("a catalog of more items than its bytes hold") {
    auto payload = encode_catalog_payload(3, {item_record{"i1", {{"books"}, "acme", 9.5, {"new"}}}});
    payload[8] = '\x7f';  // the item count, after the u64 version
    CHECK_FALSE(decode_wal_entry(static_cast<uint8_t>(wal_kind::catalog), payload, e));
  }
  SECTION("an item whose category count exceeds its bytes") {
    auto payload = encode_catalog_payload(3, {item_record{"i1", {{"books"}, "acme", 9.5, {"new"}}}});
    payload[12] = '\x7f';  // u64 version, count, "i1", then the category count
    CHECK_FALSE(decode_wal_entry(static_cast<uint8_t>(wal_kind::catalog), payload, e));
  }
}
