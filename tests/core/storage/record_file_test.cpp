// Record framing and its torn tails.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/storage/file_env.hpp"
#include "core/storage/record_file.hpp"
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

namespace {

/// A file of `bytes` that remembers the largest read asked of it.
class measured_file final : public readable_file {
 public:
  measured_file(std::string bytes, size_t& largest)
      : readable_file("measured"), bytes_(std::move(bytes)), largest_(largest) {}
  result<size_t> read(char* p, size_t n) override {
    largest_ = std::max(largest_, n);
    size_t k = std::min(n, bytes_.size() - at_);
    std::memcpy(p, bytes_.data() + at_, k);
    at_ += k;
    return k;
  }

 private:
  std::string bytes_;
  size_t at_ = 0;
  size_t& largest_;
};

}  // namespace

TEST_CASE("a record declaring a huge length is reported without a buffer of that length") {
  std::string bytes;
  append_record(bytes, 1, 7, "first");
  std::string huge;
  append_record(huge, 2, 7, "second");
  uint32_t length = max_record_payload;  // the largest a reader accepts
  std::memcpy(&huge[0], &length, sizeof length);
  bytes += huge;
  size_t largest = 0;
  record_reader reader(std::make_unique<measured_file>(bytes, largest));
  file_record r;
  REQUIRE(reader.next(r) == record_reader::outcome::record);
  CHECK(reader.next(r) == record_reader::outcome::bad);
  CHECK(reader.offset() == record_header_bytes + 5);
  CHECK(reader.problem().find("incomplete record") != std::string::npos);
  CHECK(largest <= (size_t{1} << 20));
}
