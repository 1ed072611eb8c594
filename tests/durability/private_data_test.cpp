// personad's data at rest: sealed with --encrypt-key-file (SIGKILL and
// recovery, wrong and missing keys refused without cutting anything),
// user ids kept only as keyed hashes with --pseudonymize-users=on, devices
// never in clear, a hash key made once and kept, files only the owner's.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "crash_workload.hpp"
#include "data_dir_scan.hpp"
#include "net/client.hpp"
#include "net/personad_process.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

/// A file of `bytes` with mode 0600.
std::string secret_file(const std::string& dir, const std::string& name, const std::string& bytes) {
  auto path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path;
}

value call(uint16_t port, const std::string& method, value params) {
  net::client c;
  REQUIRE(c.connect("127.0.0.1", port).ok());
  auto r = c.call_sync(method, params, std::chrono::seconds(120));
  INFO(method << ": " << (r.ok() ? std::string("ok") : r.error().message()));
  REQUIRE(r.ok());
  return *r;
}

/// Events of one user that carry a device, a geo, a session and a search.
value revealing_events(const std::string& user) {
  value::array events;
  for (int i = 0; i < 5; ++i)
    events.push_back(map_of({{"user", value{user}},
                             {"type", value{i == 0 ? "search" : "view"}},
                             {"item", value{"i" + std::to_string(i)}},
                             {"query", value{"secret-search-words"}},
                             {"device", value{"device-of-" + user}},
                             {"geo", value{"geo-of-" + user}},
                             {"session", value{"session-of-" + user}},
                             {"ts", value{t0 + i}}}));
  return value{value::array{value{std::move(events)}}};
}

void write_then_crash(personad_process& node, crash_workload& w, size_t min_acked) {
  w.start(node.port);
  for (int i = 0; i < 3000 && w.acked() < min_acked; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(w.acked() >= min_acked);
  std::this_thread::sleep_for(std::chrono::milliseconds(std::random_device{}() % 200));
  node.crash();
  w.stop();
}

}  // namespace

TEST_CASE("sealed at rest: SIGKILL loses nothing, no file shows a user, device or search in clear") {
  temp_directory data, keys;
  auto key = secret_file(keys.path(), "at-rest.key", std::string(64, 'a'));
  auto seed = static_cast<uint32_t>(std::random_device{}());
  UNSCOPED_INFO("seed " << seed);
  crash_workload w(2, 100, 50, seed);
  {
    personad_process node(data.path(), {"--encrypt-key-file=" + key});
    call(node.port, "ingest", revealing_events("alice-0612345678"));
    call(node.port, "snapshot", value{value::array{}});
    write_then_crash(node, w, 20);
  }
  for (auto needle : {"alice-0612345678", "secret-search-words", "device-of-", "geo-of-", "session-of-"})
    CHECK(files_holding(data.path(), {needle}).empty());
  for (auto& u : w.users())
    CHECK(files_holding(data.path(), {u}).empty());

  // Recovery below with the right key proves nothing was cut meanwhile.
  SECTION("without the key, or with another, the node refuses to serve") {
    auto other = secret_file(keys.path(), "other.key", std::string(64, 'b'));
    for (auto flag : {std::string(), "--encrypt-key-file=" + other}) {
      std::vector<std::string> extra;
      if (!flag.empty())
        extra.push_back(flag);
      personad_process wrong(data.path(), extra, false);
      CHECK(wrong.read_log_until([&] { return wrong.log.find("recovery failed") != std::string::npos; },
                                 std::chrono::seconds(60)));
      CHECK(wrong.log.find(flag.empty() ? "start with the --encrypt-key-file" : "does not open under") !=
            std::string::npos);
    }
  }
  personad_process again(data.path(), {"--encrypt-key-file=" + key});
  w.resend(again.port);
  w.check(again.port);
  auto profile = call(again.port, "get_profile", value{value::array{value{"alice-0612345678"}}});
  CHECK(profile.find("user")->as_string() == "alice-0612345678");
}

TEST_CASE("pseudonymised users: no file holds a raw id, clients keep their ids, answers give pseudonyms") {
  temp_directory data;
  auto seed = static_cast<uint32_t>(std::random_device{}());
  UNSCOPED_INFO("seed " << seed);
  crash_workload w(2, 100, 50, seed);
  std::string pseudonym;
  {
    personad_process node(data.path(), {"--pseudonymize-users=on"});
    call(node.port, "ingest", revealing_events("+33612345678"));
    auto profile = call(node.port, "get_profile", value{value::array{value{"+33612345678"}}});
    pseudonym = profile.find("user")->as_string();
    CHECK(pseudonym.rfind("u:", 0) == 0);
    CHECK(pseudonym.size() == 34);
    auto found = call(node.port, "query", value{value::array{field_cond("counts.search", ">=", value{1})}});
    REQUIRE(found.find("users")->as_array().size() == 1);
    auto& first = found.find("users")->as_array()[0];
    CHECK((first.is_string() ? first.as_string() : first.find("user")->as_string()) == pseudonym);
    // A pseudonym given back reaches the same profile.
    CHECK(call(node.port, "get_profile", value{value::array{value{pseudonym}}}).find("user")->as_string() ==
          pseudonym);
    call(node.port, "snapshot", value{value::array{}});
    write_then_crash(node, w, 20);
  }
  for (auto needle : {"+33612345678", "device-of-", "geo-of-", "session-of-"})
    CHECK(files_holding(data.path(), {needle}).empty());
  for (auto& u : w.users())
    CHECK(files_holding(data.path(), {u}).empty());
  CHECK_FALSE(files_holding(data.path(), {pseudonym}).empty());
  personad_process again(data.path(), {"--pseudonymize-users=on"});
  w.resend(again.port);
  w.check(again.port);
  CHECK(
      call(again.port, "get_profile", value{value::array{value{"+33612345678"}}}).find("user")->as_string() ==
      pseudonym);
}

TEST_CASE("the data directory is the owner's: 0700, files 0600, looser modes tightened at start") {
  temp_directory parent;
  auto data = parent.path() + "/data";
  fs::create_directories(data + "/shard-0");
  fs::permissions(data, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  std::ofstream(data + "/shard-0/notes.txt") << "left by hand";
  fs::permissions(data + "/shard-0/notes.txt",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  std::string key_bytes;
  {
    personad_process node(data);
    CHECK(node.log.find("took group and other rights away") != std::string::npos);
    call(node.port, "ingest", revealing_events("carol"));
    call(node.port, "snapshot", value{value::array{}});
    std::ifstream in(data + "/hash.key", std::ios::binary);
    key_bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    CHECK(key_bytes.size() == 32);
    node.crash();
  }
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(data)) {
    struct stat st {};
    REQUIRE(::lstat(e.path().c_str(), &st) == 0);
    INFO(e.path().string());
    CHECK((st.st_mode & 077) == 0);
    files += e.is_regular_file() ? 1 : 0;
  }
  CHECK(files >= 5);  // hash.key, LOCK, WAL segments, snapshots
  struct stat st {};
  REQUIRE(::stat(data.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  // The same key at the next start: devices seen before are not new.
  personad_process again(data);
  std::ifstream in(data + "/hash.key", std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) == key_bytes);
  call(again.port, "ingest", revealing_events("carol"));
  auto profile = call(again.port, "get_profile", value{value::array{value{"carol"}}});
  INFO(encode_value(profile));
  auto* risk = profile.find("risk");
  REQUIRE(risk);
  for (auto& flag : risk->find("flags")->as_array())
    CHECK(flag.as_string() != "new_device");
}

TEST_CASE("a hash key file that others may read is refused at start, saying how to fix it") {
  temp_directory data, keys;
  auto path = keys.path() + "/hash.key";
  std::ofstream(path) << std::string(32, 'k');
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  std::string command = std::string(PERSONAD_PATH) + " --port=0 --data-dir=" + data.path() +
                        " --hash-key-file=" + path + " 2>&1";
  FILE* out = popen(command.c_str(), "r");
  REQUIRE(out);
  std::string log;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, out))
    log.append(buf, n);
  CHECK(pclose(out) != 0);
  CHECK(log.find("chmod 600 " + path) != std::string::npos);
  CHECK(log.find("listening") == std::string::npos);
}
