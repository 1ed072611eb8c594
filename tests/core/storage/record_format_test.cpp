// The on-disk building blocks: CRC-32C, record framing and its torn tails,
// the event codec and WAL payloads.
#include <catch2/catch.hpp>
#include <fstream>
#include <random>

#include "core/profile/event_codec.hpp"
#include "core/storage/crc32c.hpp"
#include "core/storage/record_file.hpp"
#include "core/storage/wal_record.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::vector<file_record> read_all(const std::string& path, record_reader::outcome& last, uint64_t& offset) {
  auto file = posix_env().open_for_read(path);
  REQUIRE(file.ok());
  record_reader reader(std::move(*file));
  std::vector<file_record> out;
  file_record r;
  while ((last = reader.next(r)) == record_reader::outcome::record)
    out.push_back(r);
  offset = reader.offset();
  return out;
}

}  // namespace

TEST_CASE("crc32c matches the published check value in both implementations") {
  const char* check = "123456789";
  CHECK(crc32c(0, check, 9) == 0xE3069283u);
  CHECK(crc32c_portable(0, check, 9) == 0xE3069283u);
  // Extending a checksum equals checksumming the concatenation.
  CHECK(crc32c(crc32c(0, check, 4), check + 4, 5) == 0xE3069283u);
  CHECK(crc32c_portable(crc32c_portable(0, check, 4), check + 4, 5) == 0xE3069283u);
  std::mt19937 rng(7);
  std::string noise(1000, '\0');
  for (auto& c : noise)
    c = static_cast<char>(rng());
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 1000u})
    CHECK(crc32c(0, noise.data(), n) == crc32c_portable(0, noise.data(), n));
}

TEST_CASE("records read back in order with their sequence numbers and kinds") {
  temp_directory dir;
  std::string bytes;
  append_record(bytes, 1, 7, "first");
  append_record(bytes, 2, 8, "");
  append_record(bytes, 3, 9, std::string(100000, 'x'));
  auto path = dir.path() + "/log";
  write_bytes(path, bytes);
  record_reader::outcome last;
  uint64_t offset = 0;
  auto records = read_all(path, last, offset);
  CHECK(last == record_reader::outcome::end);
  REQUIRE(records.size() == 3);
  CHECK(records[0].seq == 1);
  CHECK(records[0].kind == 7);
  CHECK(records[0].payload == "first");
  CHECK(records[1].payload.empty());
  CHECK(records[2].payload.size() == 100000);
  CHECK(offset == bytes.size());
}

TEST_CASE("a torn or corrupt tail is found at the offset of the first bad record") {
  temp_directory dir;
  std::string good;
  append_record(good, 1, 1, "alpha");
  append_record(good, 2, 1, "beta");
  std::string tail;
  append_record(tail, 3, 1, "gamma gamma");
  auto path = dir.path() + "/log";
  record_reader::outcome last;
  uint64_t offset = 0;

  SECTION("a record cut short") {
    for (size_t keep : {size_t{1}, size_t{10}, tail.size() - 1}) {
      write_bytes(path, good + tail.substr(0, keep));
      auto records = read_all(path, last, offset);
      CHECK(records.size() == 2);
      CHECK(last == record_reader::outcome::bad);
      CHECK(offset == good.size());
    }
  }
  SECTION("a flipped payload byte") {
    auto bad = tail;
    bad[bad.size() - 2] ^= 0x20;
    write_bytes(path, good + bad);
    auto records = read_all(path, last, offset);
    CHECK(records.size() == 2);
    CHECK(last == record_reader::outcome::bad);
    CHECK(offset == good.size());
  }
  SECTION("a corrupt length") {
    auto bad = tail;
    bad[3] = static_cast<char>(0x7f);
    write_bytes(path, good + bad);
    auto records = read_all(path, last, offset);
    CHECK(records.size() == 2);
    CHECK(last == record_reader::outcome::bad);
  }
  SECTION("zeros, as a file system leaves after a crash") {
    write_bytes(path, good + std::string(64, '\0'));
    auto records = read_all(path, last, offset);
    CHECK(records.size() == 2);
    CHECK(last == record_reader::outcome::bad);
    CHECK(offset == good.size());
  }
}

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
