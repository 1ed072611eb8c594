// Sealed records: AES-256-GCM round trips, and any change of key, bytes,
// place or kind is refused; the framing reads sealed records back, tells
// a torn tail (cut) from a record it cannot open (refused).
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "core/storage/file_env.hpp"
#include "core/storage/record_file.hpp"
#include "core/storage/record_seal.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

std::shared_ptr<const record_seal> seal_of(char fill) {
  auto s = record_seal::make(std::string(32, fill));
  REQUIRE(s.ok());
  return *s;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

record_reader reader_of(const std::string& path, const record_seal* seal) {
  auto file = posix_env().open_for_read(path);
  REQUIRE(file.ok());
  return record_reader(std::move(*file), seal);
}

}  // namespace

TEST_CASE("a sealed payload opens under its key, seq and kind to the same bytes") {
  auto seal = seal_of('k');
  for (std::string payload : {std::string(), std::string("alice bought shoes"), std::string(100000, 'z')}) {
    std::string sealed;
    seal->seal(42, 3, payload, sealed);
    CHECK(sealed.size() == payload.size() + record_seal::overhead);
    if (payload.size() >= 8)
      CHECK(sealed.find(payload.substr(0, 8)) == std::string::npos);
    std::string back;
    REQUIRE(seal->open(42, 3, sealed, back));
    CHECK(back == payload);
  }
}

TEST_CASE("a sealed payload does not open after any change") {
  auto seal = seal_of('k');
  std::string sealed;
  seal->seal(7, 1, "device=phone-123 geo=paris", sealed);
  std::string back;
  SECTION("another key") {
    CHECK_FALSE(seal_of('j')->open(7, 1, sealed, back));
  }
  SECTION("another place in the file") {
    CHECK_FALSE(seal->open(8, 1, sealed, back));
  }
  SECTION("another kind") {
    CHECK_FALSE(seal->open(7, 2, sealed, back));
  }
  SECTION("a flipped bit anywhere") {
    for (size_t i = 0; i < sealed.size(); ++i) {
      auto altered = sealed;
      altered[i] = static_cast<char>(altered[i] ^ 0x10);
      CHECK_FALSE(seal->open(7, 1, altered, back));
    }
  }
  SECTION("cut short") {
    CHECK_FALSE(seal->open(7, 1, sealed.substr(0, sealed.size() - 1), back));
  }
}

TEST_CASE("two seals of the same payload differ: nonces are not reused") {
  auto seal = seal_of('k');
  std::string a, b;
  seal->seal(1, 1, "same", a);
  seal->seal(1, 1, "same", b);
  CHECK(a != b);
  CHECK(a.substr(0, 12) != b.substr(0, 12));
}

TEST_CASE("a key of another length than 32 bytes is refused with what to do") {
  auto s = record_seal::make("short");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message().find("32 bytes") != std::string::npos);
}

TEST_CASE("sealed records read back through the framing, and without the key are refused, not cut") {
  temp_directory dir;
  auto seal = seal_of('k');
  std::string bytes;
  append_record(bytes, 1, 7, "alice@example.com", seal.get());
  append_record(bytes, 2, 8, "bob", seal.get());
  CHECK(bytes.find("alice") == std::string::npos);
  auto path = dir.path() + "/log";
  write_bytes(path, bytes);
  file_record r;
  SECTION("with the key") {
    auto reader = reader_of(path, seal.get());
    REQUIRE(reader.next(r) == record_reader::outcome::record);
    CHECK(r.seq == 1);
    CHECK(r.kind == 7);
    CHECK(r.payload == "alice@example.com");
    REQUIRE(reader.next(r) == record_reader::outcome::record);
    CHECK(r.payload == "bob");
    CHECK(reader.next(r) == record_reader::outcome::end);
  }
  SECTION("without a key") {
    auto reader = reader_of(path, nullptr);
    CHECK(reader.next(r) == record_reader::outcome::locked);
    CHECK(reader.offset() == 0);
    CHECK(reader.problem().find("--encrypt-key-file") != std::string::npos);
  }
  SECTION("with another key") {
    auto other = seal_of('j');
    auto reader = reader_of(path, other.get());
    CHECK(reader.next(r) == record_reader::outcome::locked);
    CHECK(reader.problem().find("does not open") != std::string::npos);
  }
  SECTION("a torn tail is still found by the checksum and cut") {
    write_bytes(path, bytes.substr(0, bytes.size() - 3));
    auto reader = reader_of(path, seal.get());
    REQUIRE(reader.next(r) == record_reader::outcome::record);
    CHECK(reader.next(r) == record_reader::outcome::bad);
  }
  SECTION("records in clear, written before the key was set, still read") {
    std::string mixed;
    append_record(mixed, 1, 7, "old");
    append_record(mixed, 2, 7, "new", seal.get());
    write_bytes(path, mixed);
    auto reader = reader_of(path, seal.get());
    REQUIRE(reader.next(r) == record_reader::outcome::record);
    CHECK(r.payload == "old");
    REQUIRE(reader.next(r) == record_reader::outcome::record);
    CHECK(r.payload == "new");
  }
}
