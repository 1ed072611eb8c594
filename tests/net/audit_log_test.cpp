// The audit log's writer and line format: JSON lines with the fields,
// owner-only files, rotation by size, keyed user hashes, and failures to
// write counted and reported while calls go on.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "audit_json.hpp"
#include "net/audit_log.hpp"
#include "net/audit_trail.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::net;
using namespace persona::test;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::unique_ptr<audit_log> open_log(audit_log_options options, std::vector<std::string>* reports = nullptr) {
  auto log = audit_log::open(std::move(options), [reports](const std::string& m) {
    if (reports)
      reports->push_back(m);
  });
  REQUIRE(log.ok());
  return std::move(*log);
}

/// A line of exactly `size` bytes, '\n' included, numbered `n`.
std::string line_of(size_t size, int n) {
  std::string line = "{\"n\":" + std::to_string(n) + ",\"pad\":\"";
  line.append(size - line.size() - 3, 'x');
  return line + "\"}\n";
}

}  // namespace

TEST_CASE("an audit line is one JSON object with the time, peer, token, method, users and outcome") {
  audit_record r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(t0 + 7));
  r.method = "merge_profiles";
  r.peer = "127.0.0.1:40000";
  r.token = "ops \"night\"\n\x01";
  r.users = {{"source", "00112233aabbccdd"}, {"target", "0123456789abcdef"}};
  r.outcome = error_code::not_found;
  auto line = format_audit_line(r);
  CHECK(line.back() == '\n');
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  auto fields = parse_flat_json(line);
  REQUIRE(fields);
  CHECK(fields->at("time") == "2026-01-01T00:00:00.007Z");
  CHECK(fields->at("peer") == "127.0.0.1:40000");
  CHECK(fields->at("token") == "ops \"night\"\n\x01");
  CHECK(fields->at("method") == "merge_profiles");
  CHECK(fields->at("source") == "00112233aabbccdd");
  CHECK(fields->at("target") == "0123456789abcdef");
  CHECK(fields->at("outcome") == "not_found");
  CHECK(fields->count("count") == 0);

  r.outcome = error_code::ok;
  r.count = 42;
  fields = parse_flat_json(format_audit_line(r));
  REQUIRE(fields);
  CHECK(fields->at("outcome") == "ok");
  CHECK(fields->at("count") == "42");
}

TEST_CASE("a listing's count is the number of users its result names") {
  value page{value::map{}};
  page.set("users", value{value::array{value{"a"}, value{"b"}, value{"c"}}});
  page.set("count", value{uint64_t{99}});
  CHECK(users_listed(page) == std::optional<uint64_t>(3));
  CHECK_FALSE(users_listed(value{value::map{}}));
}

TEST_CASE("a user is recorded as a keyed hash that neither shows the id nor matches under another key") {
  temp_directory dir;
  const std::string phone = "+8613800138000";
  audit_trail a(open_log({dir.path() + "/a.log"}), siphash_key{1, 2});
  audit_trail same(open_log({dir.path() + "/b.log"}), siphash_key{1, 2});
  audit_trail other(open_log({dir.path() + "/c.log"}), siphash_key{3, 4});
  auto hash = a.user_hash(phone);
  CHECK(std::regex_match(hash, std::regex("[0-9a-f]{16}")));
  CHECK(hash.find("13800138000") == std::string::npos);
  CHECK(hash == same.user_hash(phone));
  CHECK(hash != other.user_hash(phone));
  CHECK(hash != a.user_hash("+8613800138001"));
}

TEST_CASE("the audit log is created owner-only, appends whole lines, and narrows a file others could read") {
  temp_directory dir;
  auto path = dir.path() + "/sub/audit.log";
  {
    auto log = open_log({path});
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(dir.path() + "/sub") == 0700);
    log->append(line_of(40, 1));
    log->append(line_of(40, 2));
    log->flush();
    CHECK(log->counters().lines == 2);
    CHECK(log->counters().bytes == 80);
  }
  ::chmod(path.c_str(), 0644);
  {
    auto log = open_log({path});
    CHECK(mode_of(path) == 0600);
    log->append(line_of(40, 3));
  }  // closing writes what is queued
  auto lines = lines_of(path);
  REQUIRE(lines.size() == 3);
  for (int n = 0; n < 3; ++n) {
    auto fields = parse_flat_json(lines[n]);
    REQUIRE(fields);
    CHECK(fields->at("n") == std::to_string(n + 1));
  }
}

TEST_CASE("the audit log rotates by size and keeps the configured number of files") {
  temp_directory dir;
  auto path = dir.path() + "/audit.log";
  audit_log_options options{path};
  options.max_bytes = 200;
  options.keep = 2;
  auto log = open_log(options);
  for (int n = 0; n < 30; ++n) {
    log->append(line_of(50, n));
    if (n % 7 == 0)
      log->flush();  // batches of different sizes
  }
  log->flush();
  CHECK(log->counters().lines == 30);
  // 30 lines of 50 bytes, 4 to a file: 7 rotations, the newest three files kept.
  CHECK(log->counters().rotations == 7);
  CHECK_FALSE(std::filesystem::exists(path + ".3"));
  std::vector<std::string> kept;
  for (auto name : {path + ".2", path + ".1", path}) {
    INFO(name);
    REQUIRE(std::filesystem::exists(name));
    CHECK(std::filesystem::file_size(name) <= 200);
    CHECK(mode_of(name) == 0600);
    for (auto& line : lines_of(name))
      kept.push_back(line);
  }
  // The newest lines, in order, each whole.
  REQUIRE(kept.size() == 10);
  for (size_t i = 0; i < kept.size(); ++i) {
    auto fields = parse_flat_json(kept[i]);
    REQUIRE(fields);
    CHECK(fields->at("n") == std::to_string(20 + i));
  }
}

TEST_CASE("with --audit-keep=0 a full audit log starts over") {
  temp_directory dir;
  auto path = dir.path() + "/audit.log";
  audit_log_options options{path};
  options.max_bytes = 100;
  options.keep = 0;
  auto log = open_log(options);
  for (int n = 0; n < 5; ++n)
    log->append(line_of(50, n));
  log->flush();
  CHECK(log->counters().rotations == 2);
  CHECK_FALSE(std::filesystem::exists(path + ".1"));
  REQUIRE(lines_of(path).size() == 1);
  CHECK(parse_flat_json(lines_of(path)[0])->at("n") == "4");
}

TEST_CASE("a full disk loses audit lines loudly: counted, reported, and the writer goes on") {
  std::vector<std::string> reports;
  auto log = open_log({"/dev/full"}, &reports);
  for (int n = 0; n < 3; ++n) {
    log->append(line_of(50, n));
    log->flush();
  }
  CHECK(log->counters().lines == 0);
  CHECK(log->counters().lines_dropped == 3);
  CHECK(log->counters().write_failures >= 3);
  // One report, not one per line.
  REQUIRE(reports.size() == 1);
  CHECK_THAT(reports[0], Catch::Contains("/dev/full") && Catch::Contains("No space left on device") &&
                             Catch::Contains("still answered"));
}

TEST_CASE("a line that does not fit the writer's queue is dropped and counted") {
  temp_directory dir;
  std::vector<std::string> reports;
  audit_log_options options{dir.path() + "/audit.log"};
  options.max_queue_bytes = 40;
  auto log = open_log(options, &reports);
  log->append(line_of(50, 1));
  log->append(line_of(30, 2));
  log->flush();
  CHECK(log->counters().lines == 1);
  CHECK(log->counters().lines_dropped == 1);
  CHECK(log->counters().write_failures == 0);
  REQUIRE(reports.size() == 1);
  CHECK_THAT(reports[0], Catch::Contains("--audit-queue-bytes"));
}

TEST_CASE("an audit log that cannot be opened is refused with the file and what to do") {
  temp_directory dir;
  auto log = audit_log::open({dir.path() + "/no/such/dir/audit.log"}, nullptr);
  REQUIRE_FALSE(log.ok());
  CHECK_THAT(log.error().message(),
             Catch::Contains("no/such/dir/audit.log") && Catch::Contains("--audit-log"));
}
