// The audit log of a node over TCP: profile reads, erasures, admin calls,
// listings with their counts and failed hellos each leave a line; other
// calls leave none; user ids never appear in it.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "audit_json.hpp"
#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

using fields = std::map<std::string, std::string>;

/// The audit log's records once it holds `n` lines (the writer runs on its
/// own thread), waiting up to 10 s.
std::vector<fields> wait_for_lines(const std::string& path, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto lines = lines_of(path);
  while (lines.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lines = lines_of(path);
  }
  std::vector<fields> out;
  for (auto& line : lines) {
    INFO(line);
    auto f = parse_flat_json(line);
    REQUIRE(f);
    out.push_back(*f);
  }
  return out;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a node audits profile reads, erasures, admin calls, listings and failed hellos") {
  net::node_config cfg;
  REQUIRE(cfg.tokens.add("root", "root-token-0123456789", net::all_roles).ok());
  test_node node(cfg);
  auto path = node.data.path() + "/audit.log";
  auto c = node.connect();
  CHECK(code_of(c->call_sync("get_profile", args({value{"alice-phone-555"}}))) == "unauthenticated");
  CHECK(code_of(c->call_sync("hello", args({map_of({{"token", value{"guess"}}})}))) == "unauthenticated");
  REQUIRE(c->call_sync("hello", args({map_of({{"token", value{"root-token-0123456789"}}})})).ok());
  REQUIRE(c->call_sync("ingest", one_view_each("user-", 5, "i1")).ok());
  CHECK(code_of(c->call_sync("ping", args({}))) == "ok");
  CHECK(code_of(c->call_sync("get_profile", args({value{"user-1"}}))) == "ok");
  CHECK(code_of(c->call_sync("get_profile", args({value{"nobody"}}))) == "not_found");
  CHECK(code_of(c->call_sync("delete_profile", args({value{"user-2"}}))) == "ok");
  CHECK(code_of(c->call_sync("merge_profiles", args({value{"user-3"}, value{"user-4"}}))) == "ok");
  auto where = field_cond("counts.view", ">=", value{int64_t{1}});
  REQUIRE(c->call_sync("define_segment", args({value{"viewers"}, where})).ok());
  auto members = c->call_sync("segment_members", args({value{"viewers"}}));
  REQUIRE(members.ok());
  auto listed = members->find("users")->as_array().size();
  CHECK(listed == 3);  // user-0, user-1, user-4
  auto found = c->call_sync("query", args({where, map_of({{"limit", value{int64_t{2}}}})}));
  REQUIRE(found.ok());

  auto records = wait_for_lines(path, 9);
  REQUIRE(records.size() == 9);
  std::vector<std::string> methods, outcomes;
  for (auto& r : records) {
    methods.push_back(r.at("method"));
    outcomes.push_back(r.at("outcome"));
    CHECK(r.count("time") == 1);
    CHECK(r.at("peer").rfind("127.0.0.1:", 0) == 0);
    CHECK(r.count("token") == 1);
  }
  // In the order answered; ping, ingest and the hello that succeeded are not audited.
  CHECK(methods == std::vector<std::string>{"get_profile", "hello", "get_profile", "get_profile",
                                            "delete_profile", "merge_profiles", "define_segment",
                                            "segment_members", "query"});
  CHECK(outcomes == std::vector<std::string>{"unauthenticated", "unauthenticated", "ok", "not_found", "ok",
                                             "ok", "ok", "ok", "ok"});

  // Users as keyed hashes: the same user hashes the same way, ids never show.
  CHECK(records[0].at("user").size() == 16);
  CHECK(records[2].at("user") != records[3].at("user"));
  CHECK(records[4].count("user") == 1);
  CHECK(records[5].count("source") == 1);
  CHECK(records[5].count("target") == 1);
  CHECK(records[5].at("source") != records[5].at("target"));
  CHECK(records[6].count("user") == 0);
  CHECK(records[7].at("count") == std::to_string(listed));
  CHECK(records[8].at("count") == "2");
  auto text = file_text(path);
  for (auto id : {"alice-phone-555", "user-1", "user-2", "user-3", "user-4", "nobody", "guess", "root-token"})
    CHECK(text.find(id) == std::string::npos);

  // The counters follow the writes (waiting as for the lines).
  auto stats = c->call_sync("stats", args({}));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (stats.ok() && stats->find("audit") && stats->find("audit")->find("lines")->as_int() < 9 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stats = c->call_sync("stats", args({}));
  }
  REQUIRE(stats.ok());
  auto* audit = stats->find("audit");
  REQUIRE(audit);
  CHECK(audit->find("path")->as_string() == path);
  CHECK(audit->find("lines")->as_int() == 9);
  CHECK(audit->find("bytes")->as_int() == static_cast<int64_t>(text.size()));
  CHECK(audit->find("write_failures")->as_int() == 0);
  CHECK(audit->find("lines_dropped")->as_int() == 0);
}

TEST_CASE("a node with --audit-log=off keeps no audit log, and stats says nothing of one") {
  net::node_config cfg;
  cfg.audit_log = "off";
  test_node node(cfg);
  auto c = node.connect();
  REQUIRE(c->call_sync("ingest", one_view_each("user-", 2, "i1")).ok());
  CHECK(code_of(c->call_sync("delete_profile", args({value{"user-1"}}))) == "ok");
  auto stats = c->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  CHECK(stats->find("audit") == nullptr);
  CHECK_FALSE(std::filesystem::exists(node.data.path() + "/audit.log"));
}

TEST_CASE(
    "with --hash-key-file a user's audit hash is the same after a restart and a fresh data dir has its "
    "own key") {
  temp_directory keys;
  auto key = keys.path() + "/hash.key";
  {
    std::ofstream out(key);
    out << "0123456789abcdef0123456789abcdef\n";
  }
  ::chmod(key.c_str(), 0600);
  /// The user hash of one get_profile of "u" on a fresh node.
  auto hash_of_u = [](const std::string& key_file) {
    net::node_config cfg;
    cfg.hash_key_file = key_file;
    test_node node(cfg);
    auto c = node.connect();
    CHECK(code_of(c->call_sync("get_profile", args({value{"u"}}))) == "not_found");
    auto records = wait_for_lines(node.data.path() + "/audit.log", 1);
    REQUIRE(records.size() == 1);
    return records[0].at("user");
  };
  auto first = hash_of_u(key);
  CHECK(hash_of_u(key) == first);
  CHECK(hash_of_u("") != first);
}

TEST_CASE("a node whose audit log or hash key file cannot be used refuses to start, saying which") {
  temp_directory keys;
  auto key = keys.path() + "/hash.key";
  {
    std::ofstream out(key);
    out << "0123456789abcdef0123456789abcdef\n";
  }
  ::chmod(key.c_str(), 0644);
  net::node_config cfg;
  cfg.hash_key_file = key;
  CHECK_THROWS_WITH(test_node(cfg), Catch::Contains("--hash-key-file") && Catch::Contains(key));
  net::node_config bad_path;
  bad_path.audit_log = keys.path() + "/no/such/dir/audit.log";
  CHECK_THROWS_WITH(test_node(bad_path),
                    Catch::Contains("no/such/dir/audit.log") && Catch::Contains("--audit-log"));
}
