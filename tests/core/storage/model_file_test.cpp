// The item model file: what is written reads back whole; a file cut
// short, damaged or absent is refused with a message naming it; a failed
// write leaves the previous file in place.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/storage/model_file.hpp"
#include "faulty_env.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

model_file sample() {
  model_file f;
  f.covered = {12, 0, 7};
  f.sections.push_back({section_kind::names, "the names"});
  f.sections.push_back({section_kind::items, std::string(100000, 'x')});
  f.sections.push_back({static_cast<section_kind>(42), ""});
  return f;
}

}  // namespace

TEST_CASE("an item model file reads back its covered WAL records and sections") {
  temp_directory dir;
  REQUIRE(write_model_file(dir.path(), sample()).ok());
  CHECK(!fs::exists(model_file_path(dir.path()) + ".tmp"));
  auto r = read_model_file(dir.path());
  REQUIRE(r.ok());
  CHECK(r->covered == std::vector<uint64_t>{12, 0, 7});
  REQUIRE(r->sections.size() == 3);
  CHECK(r->sections[0].kind == section_kind::names);
  CHECK(r->sections[0].bytes == "the names");
  CHECK(r->sections[1].bytes == std::string(100000, 'x'));
  CHECK(static_cast<int>(r->sections[2].kind) == 42);
}

TEST_CASE("a missing, cut or damaged item model file is refused, naming the file") {
  temp_directory dir;
  auto path = model_file_path(dir.path());
  CHECK(read_model_file(dir.path()).error().code() == error_code::not_found);
  REQUIRE(write_model_file(dir.path(), sample()).ok());
  auto size = fs::file_size(path);
  SECTION("cut before its end record") {
    fs::resize_file(path, size - 10);
    auto r = read_model_file(dir.path());
    REQUIRE(!r.ok());
    CHECK(r.error().code() == error_code::bad_request);
    CHECK(r.error().message().find(path) != std::string::npos);
  }
  SECTION("one byte flipped in a section") {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('y');
    f.close();
    CHECK(!read_model_file(dir.path()).ok());
  }
}

TEST_CASE("a failed item model write leaves the previous file as it was") {
  temp_directory dir;
  REQUIRE(write_model_file(dir.path(), sample()).ok());
  faulty_env env;
  env.set_fail_renames(true);
  auto next = sample();
  next.covered = {99, 99, 99};
  CHECK(!write_model_file(dir.path(), next, env).ok());
  auto r = read_model_file(dir.path());
  REQUIRE(r.ok());
  CHECK(r->covered == std::vector<uint64_t>{12, 0, 7});
}
