#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <regex>
#include <string>
#include <thread>

#include "net/client.hpp"
#include "personad_process.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

value args(std::vector<value> xs) {
  return value{value::array(xs.begin(), xs.end())};
}

/// The node's answer to `stats`, asked on a connection of its own.
value stats_of(const personad_process& node) {
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port).ok());
  auto stats = c.call_sync("stats", args({}));
  REQUIRE(stats.ok());
  return *stats;
}

}  // namespace

TEST_CASE("SIGTERM stops personad gracefully: in-flight requests are answered, exit 0 within 10 s") {
  temp_directory data;
  personad_process node(data.path());
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port).ok());
  std::vector<value> events;
  for (int i = 0; i < 20000; ++i)
    events.push_back(map_of({{"user", value{"u" + std::to_string(i % 500)}},
                             {"type", value{"view"}},
                             {"item", value{"i" + std::to_string(i)}},
                             {"ts", value{t0 + i}}}));
  auto answered = std::make_shared<std::promise<result<value>>>();
  auto fut = answered->get_future();
  c.call("ingest", args({value{value::array(events.begin(), events.end())}}),
         [answered](result<value> r) { answered->set_value(std::move(r)); });
  // A ping on the same connection is answered after the node has read and
  // dispatched the ingest: from then on the ingest is in flight.
  REQUIRE(c.call_sync("ping", args({})).ok());
  auto start = std::chrono::steady_clock::now();
  REQUIRE(kill(node.pid, SIGTERM) == 0);
  REQUIRE(fut.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto r = fut.get();
  REQUIRE(r.ok());
  CHECK(r->find("accepted")->as_int() == 20000);
  int code = node.wait_exit(std::chrono::seconds(10));
  CHECK(code == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  auto log = node.rest_of_log();
  CHECK(log.find("stopping gracefully") != std::string::npos);
  CHECK(log.find("stopped:") != std::string::npos);
}

TEST_CASE("personad refuses a bad setting with exit code 2 and a message") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 2);
    execl(PERSONAD_PATH, PERSONAD_PATH, "--port=abc", nullptr);
    _exit(127);
  }
  close(fds[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  char buf[512] = {};
  auto n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0).find("--port") != std::string::npos);
}

TEST_CASE("personad starts its memory reserve as configured and shows it in stats, or none when set to 0",
          "[jemalloc]") {
  temp_directory data;
  {
    personad_process node(data.path(), {"--memory-reserve-mb=512", "--memory-warm-ahead-mb=8"});
    auto stats = stats_of(node);
    auto* reserve = stats.find("memory")->find("reserve");
    REQUIRE(reserve != nullptr);
    CHECK(reserve->find("reserved_bytes")->as_int() == int64_t{512} << 20);
    CHECK(reserve->find("used_bytes")->as_int() > 0);  // the node's own start-up memory
    CHECK(reserve->find("outside_extents")->as_int() == 0);
    CHECK(node.log.find("memory: 512 MB of address space reserved, 8 MB kept warm ahead") !=
          std::string::npos);
  }
  personad_process off(data.path(), {"--memory-reserve-mb=0"});
  CHECK(stats_of(off).find("memory")->find("reserve") == nullptr);
}

TEST_CASE("personad shows its allocator's figures in stats", "[jemalloc]") {
  temp_directory data;
  personad_process node(data.path(), {});
  auto stats = stats_of(node);
  auto* heap = stats.find("memory")->find("allocator");
  REQUIRE(heap != nullptr);
  auto allocated = heap->find("allocated_bytes")->as_int();
  CHECK(allocated > 0);
  CHECK(heap->find("active_bytes")->as_int() >= allocated);
  CHECK(heap->find("mapped_bytes")->as_int() >= heap->find("active_bytes")->as_int());
  CHECK(heap->find("metadata_bytes")->as_int() > 0);
  CHECK(heap->find("resident_bytes")->as_int() > 0);
  CHECK(heap->find("retained_bytes") != nullptr);
}

TEST_CASE("personad's cleaning flags reach ingest: --dedupe-without-id, --max-price, --max-quantity") {
  temp_directory data;
  auto batch = args({value{value::array{map_of({{"user", value{"ana"}},
                                                {"type", value{"purchase"}},
                                                {"item", value{"sku-1"}},
                                                {"price", value{20.0}},
                                                {"ts", value{t0}}}),
                                        map_of({{"user", value{"ana"}},
                                                {"type", value{"purchase"}},
                                                {"item", value{"sku-1"}},
                                                {"price", value{120.0}},
                                                {"ts", value{t0 + 1}}}),
                                        map_of({{"user", value{"ana"}},
                                                {"type", value{"purchase"}},
                                                {"item", value{"sku-1"}},
                                                {"price", value{20.0}},
                                                {"quantity", value{6}},
                                                {"ts", value{t0 + 2}}})}}});
  auto codes = [](const value& answer) {
    std::vector<std::string> out;
    for (auto& r : answer.find("rejected")->as_array())
      out.push_back(std::to_string(r.find("index")->as_int()) + ":" + r.find("code")->as_string());
    return out;
  };
  personad_process node(data.path(), {"--dedupe-without-id=on", "--max-price=100", "--max-quantity=5"});
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port).ok());
  auto first = c.call_sync("ingest", batch);
  REQUIRE(first.ok());
  CHECK(first->find("accepted")->as_int() == 1);
  CHECK(codes(*first) == std::vector<std::string>{"1:bad_price", "2:bad_quantity"});
  auto resent = c.call_sync("ingest", batch);
  REQUIRE(resent.ok());
  CHECK(resent->find("accepted")->as_int() == 0);
  CHECK(codes(*resent) == std::vector<std::string>{"0:duplicate", "1:bad_price", "2:bad_quantity"});
}
