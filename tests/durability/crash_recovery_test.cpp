// personad under SIGKILL: nothing acknowledged is lost and nothing is
// applied twice, whenever the kill comes (during writes, during a
// snapshot), with a torn WAL tail, with a corrupt newest snapshot; deleted
// profiles stay deleted and leave the disk with the next snapshot.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>

#include "crash_workload.hpp"
#include "net/client.hpp"
#include "net/personad_process.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

/// A seed from the clock, printed so a failure can be replayed.
uint32_t random_seed() {
  auto seed = static_cast<uint32_t>(std::random_device{}());
  UNSCOPED_INFO("seed " << seed);
  return seed;
}

/// Writes from 4 connections until at least `min_acked` batches are
/// acknowledged, then `extra` more ms, then kills the node.
void write_then_crash(personad_process& node, crash_workload& w, size_t min_acked, int extra_ms) {
  w.start(node.port);
  for (int i = 0; i < 3000 && w.acked() < min_acked; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(w.acked() >= min_acked);
  std::this_thread::sleep_for(std::chrono::milliseconds(extra_ms));
  node.crash();
  w.stop();
}

std::vector<fs::path> files_with(const std::string& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().string().size() >= suffix.size() &&
        e.path().string().compare(e.path().string().size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

value call(uint16_t port, const std::string& method, value params) {
  net::client c;
  REQUIRE(c.connect("127.0.0.1", port).ok());
  auto r = c.call_sync(method, params, std::chrono::seconds(120));
  INFO(method << ": " << (r.ok() ? std::string("ok") : r.error().message()));
  REQUIRE(r.ok());
  return *r;
}

value no_params() {
  return value{value::array{}};
}

}  // namespace

TEST_CASE("SIGKILL at a random moment: after a restart and a resend, every user's counts are exact") {
  temp_directory data;
  auto seed = random_seed();
  std::mt19937 rng(seed);
  crash_workload w(4, 250, 100, seed);
  {
    personad_process node(data.path());
    write_then_crash(node, w, 20, static_cast<int>(rng() % 400));
  }
  INFO("sent " << w.sent() << " batches, " << w.acked() << " acknowledged before the kill");
  personad_process again(data.path());
  CHECK(again.log.find("WAL records replayed") != std::string::npos);
  w.resend(again.port);
  w.check(again.port);
}

TEST_CASE(
    "SIGKILL during a snapshot: recovery uses the WAL, the partial file is discarded, counts are exact") {
  temp_directory data;
  auto seed = random_seed();
  crash_workload w(4, 250, 100, seed);
  {
    personad_process node(data.path());
    // Enough profiles that a snapshot takes a while.
    std::vector<value> bulk;
    for (int i = 0; i < 300000; ++i)
      bulk.push_back(map_of({{"user", value{"bulk-" + std::to_string(i)}},
                             {"type", value{"view"}},
                             {"item", value{"i" + std::to_string(i % 1000)}},
                             {"ts", value{t0}}}));
    for (size_t first = 0; first < bulk.size(); first += 50000)
      call(node.port, "ingest",
           value{value::array{value{value::array(bulk.begin() + first, bulk.begin() + first + 50000)}}});
    w.start(node.port);
    for (int i = 0; i < 2000 && w.acked() < 10; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    net::client admin;
    REQUIRE(admin.connect("127.0.0.1", node.port).ok());
    auto snap = std::make_shared<std::promise<result<value>>>();
    admin.call("snapshot", no_params(), [snap](result<value> r) { snap->set_value(std::move(r)); });
    // Kill as soon as a snapshot file is being written.
    bool writing = false;
    for (int i = 0; i < 2000 && !writing; ++i) {
      writing = !files_with(data.path(), ".snap.tmp").empty();
      if (!writing)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE(writing);
    node.crash();
    w.stop();
    CHECK(files_with(data.path(), ".snap").empty());  // no snapshot was completed
  }
  personad_process again(data.path());
  CHECK(files_with(data.path(), ".snap.tmp").empty());
  w.resend(again.port);
  w.check(again.port);
  auto stats = call(again.port, "stats", no_params());
  CHECK(stats.find("users")->as_int() == 300000 + static_cast<int64_t>(w.users().size()));
}

TEST_CASE(
    "a torn WAL tail is cut with a warning naming file and offset, and every acknowledged event survives") {
  temp_directory data;
  auto seed = random_seed();
  crash_workload w(2, 200, 50, seed);
  {
    personad_process node(data.path());
    write_then_crash(node, w, 30, 0);
  }
  // A write torn by the crash: half a record at the end of shard 0's WAL.
  auto segments = files_with(data.path() + "/shard-0", ".log");
  REQUIRE_FALSE(segments.empty());
  auto last = segments.back();
  auto size = fs::file_size(last);
  std::ofstream(last, std::ios::app | std::ios::binary) << std::string("\x40\x00\x00\x00\x12\x34torn", 10);
  personad_process again(data.path());
  CHECK(again.log.find("write-ahead log '" + last.string() + "'") != std::string::npos);
  CHECK(again.log.find("at offset " + std::to_string(size)) != std::string::npos);
  CHECK(fs::file_size(last) == size);
  w.resend(again.port);
  w.check(again.port);
}

TEST_CASE("a corrupt newest snapshot falls back to the one before and a longer WAL replay") {
  temp_directory data;
  auto seed = random_seed();
  crash_workload w(2, 200, 50, seed);
  {
    personad_process node(data.path());
    w.start(node.port);
    for (int round = 0; round < 2; ++round) {
      auto target = w.acked() + 20;
      for (int i = 0; i < 2000 && w.acked() < target; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      call(node.port, "snapshot", no_params());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    node.crash();
    w.stop();
  }
  auto snapshots = files_with(data.path() + "/shard-0", ".snap");
  REQUIRE(snapshots.size() == 2);
  {
    std::fstream f(snapshots.back(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(snapshots.back()) / 2));
    f.put('\x7f');
    f.put('\x00');
  }
  personad_process again(data.path());
  CHECK(again.log.find("snapshot '" + snapshots.back().string() + "' is not usable") != std::string::npos);
  CHECK(again.log.find("falling back") != std::string::npos);
  w.resend(again.port);
  w.check(again.port);
}

TEST_CASE("deleted profiles stay deleted after a restart and leave the disk with the next snapshot") {
  temp_directory data;
  std::vector<std::string> doomed = {"doomed-alice", "doomed-bob", "doomed-carol", "doomed-dave"};
  {
    personad_process node(data.path());
    std::vector<value> events;
    for (auto& u : doomed)
      for (int i = 0; i < 20; ++i)
        events.push_back(map_of(
            {{"user", value{u}}, {"type", value{"view"}}, {"item", value{"i1"}}, {"ts", value{t0 + i}}}));
    events.push_back(map_of(
        {{"user", value{"keeper"}}, {"type", value{"view"}}, {"item", value{"i1"}}, {"ts", value{t0}}}));
    call(node.port, "ingest", value{value::array{value{value::array(events.begin(), events.end())}}});
    call(node.port, "snapshot", no_params());  // the doomed are in a snapshot now
    for (auto& u : doomed)
      CHECK(call(node.port, "delete_profile", value{value::array{value{u}}}).find("deleted")->as_bool());
    node.crash();
  }
  auto mentions = [&](const std::string& user) {
    for (auto& e : fs::recursive_directory_iterator(data.path())) {
      if (!e.is_regular_file())
        continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (bytes.find(user) != std::string::npos)
        return true;
    }
    return false;
  };
  personad_process again(data.path());
  net::client c;
  REQUIRE(c.connect("127.0.0.1", again.port).ok());
  for (auto& u : doomed) {
    auto r = c.call_sync("get_profile", value{value::array{value{u}}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == error_code::not_found);
  }
  CHECK(mentions("doomed-alice"));  // still in the older snapshot and the WAL
  call(again.port, "snapshot", no_params());
  for (auto& u : doomed)
    CHECK_FALSE(mentions(u));
  CHECK(mentions("keeper"));
  CHECK(c.call_sync("get_profile", value{value::array{value{"keeper"}}}).ok());
}

TEST_CASE("soak: twelve crash cycles at random moments, with snapshots, lose and double nothing",
          "[.][soak]") {
  temp_directory data;
  auto seed = random_seed();
  std::mt19937 rng(seed);
  crash_workload w(4, 500, 100, seed);
  for (int cycle = 0; cycle < 12; ++cycle) {
    INFO("cycle " << cycle);
    personad_process node(
        data.path(), {"--snapshot-interval=1", "--fsync=" + std::string(cycle % 3 ? "batch" : "always")});
    w.resend(node.port);
    w.start(node.port);
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1500));
    node.crash();
    w.stop();
  }
  personad_process last(data.path());
  w.resend(last.port);
  w.check(last.port);
}
