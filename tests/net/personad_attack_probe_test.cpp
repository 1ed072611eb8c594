// Attack probes against a real personad with its default limits: nested
// map32 headers, one-byte messages behind an unanswered write, idle
// connections, token guessing. Each checks that the node's resident size
// grows by less than 50 MiB, that another client (from 127.0.0.2) keeps
// being answered, and that the attacking connections are closed with a
// logged reason. The other client's p99 during the attack and the resident
// sizes are printed ("probe: ..."), never asserted: the machine is shared.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "node_fixture.hpp"
#include "personad_process.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace asio = boost::asio;

namespace {

const std::string admin_token = "probe-admin-0123456789abcdef";

/// The node's log, read on a thread so the node never blocks writing it.
struct log_drain {
  int fd;
  std::mutex mutex;
  std::string text;
  std::thread reader;

  explicit log_drain(personad_process& node) : fd(node.log_fd), text(node.log) {
    reader = std::thread([this] {
      char buf[4096];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) {
        std::lock_guard<std::mutex> lock(mutex);
        text.append(buf, static_cast<size_t>(n));
      }
    });
  }
  /// Lines containing `needle`, once at least `count` are there or after 20 s.
  size_t wait_for(const std::string& needle, size_t count) {
    size_t found = 0;
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        found = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
          ++found;
      }
      if (found >= count)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return found;
  }
  /// REQUIRES: the node has exited (its log is closed).
  void join() { reader.join(); }
};

/// VmRSS of `pid`, in MiB.
double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

/// Waits until the resident size stops moving (the allocator's warm-ahead
/// thread faults memory in after start), then returns it.
double settled_rss_mib(pid_t pid) {
  double last = rss_mib(pid);
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    double now = rss_mib(pid);
    if (std::abs(now - last) < 1.0)
      return now;
    last = now;
  }
  return last;
}

/// Waits (up to 60 s) until the node's memory reserve has faulted in its
/// warm-ahead (memory-warm-ahead-mb, 256 MiB by default), so the resident
/// size measured before an attack does not grow later by the warmer alone:
/// it runs at idle priority and lags on a busy machine.
void wait_for_warm_ahead(uint16_t port, const std::string& token) {
  net::client c;
  REQUIRE(c.connect("127.0.0.1", port).ok());
  if (!token.empty())
    REQUIRE(c.call_sync("hello", args({map_of({{"token", value{token}}})})).ok());
  const int64_t warm_ahead = int64_t{256} << 20;
  for (int i = 0; i < 600; ++i) {
    auto stats = c.call_sync("stats", args({}));
    REQUIRE(stats.ok());
    auto* memory = stats->find("memory");
    auto* reserve = memory ? memory->find("reserve") : nullptr;
    if (!reserve || !reserve->find("warmed_bytes"))
      return;
    if (reserve->find("warmed_bytes")->as_int() >= reserve->find("used_bytes")->as_int() + warm_ahead)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

/// A blocking socket from `source` to the node, with a receive timeout.
struct probe_socket {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  net::frame_decoder decoder{1 << 24};

  probe_socket(uint16_t port, const std::string& source = "127.0.0.1") {
    socket.open(asio::ip::tcp::v4());
    socket.bind({asio::ip::make_address(source), 0});
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{10, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  bool send(const std::string& bytes) {
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(bytes), ec);
    return !ec;
  }
  /// The next response's error code ("" when none); false when the
  /// connection closed or timed out first.
  bool reply(std::string& code) {
    msgpack::object_handle oh;
    while (decoder.next(oh) != net::frame_decoder::outcome::message) {
      char* buf = decoder.prepare(65536);
      ssize_t n = ::recv(socket.native_handle(), buf, 65536, 0);
      if (n <= 0)
        return false;
      decoder.commit(static_cast<size_t>(n));
    }
    auto& a = oh.get().via.array;
    code = a.ptr[2].type == msgpack::type::NIL ? "" : to_string(net::status_from_error(a.ptr[2]).code());
    return true;
  }
  /// True once the node closed the connection (within the receive timeout).
  bool closed_by_node() {
    char buf[65536];
    while (true) {
      ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET))
        return true;
      if (n < 0)
        return false;  // timed out: still open
    }
  }
};

/// Another client, from 127.0.0.2, reading a profile over and over while
/// an attack runs; its latencies give the p99.
struct bystander {
  std::atomic<bool> stop{false};
  std::vector<double> ms;
  size_t failures = 0;
  std::thread worker;

  bystander(uint16_t port, const std::string& token) {
    worker = std::thread([this, port, token] {
      probe_socket s(port, "127.0.0.2");
      std::string code;
      uint32_t id = 1;
      if (!token.empty()) {
        s.send(net::encode_request(id++, "hello", args({map_of({{"token", value{token}}})})));
        if (!s.reply(code) || !code.empty())
          ++failures;
      }
      s.send(net::encode_request(id++, "ingest", events_of({view("bystander", "i1", t0)})));
      s.reply(code);
      while (!stop) {
        auto start = std::chrono::steady_clock::now();
        if (!s.send(net::encode_request(id++, "get_profile", args({value{"bystander"}}))) || !s.reply(code) ||
            !code.empty()) {
          ++failures;
          return;
        }
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  void finish() {
    stop = true;
    worker.join();
  }
  double p99() {
    if (ms.empty())
      return -1;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  }
};

/// A node with its defaults (and a token file for the token probe).
struct probe_node {
  temp_directory data;
  std::unique_ptr<personad_process> node;
  std::unique_ptr<log_drain> log;
  double rss_before = 0;

  explicit probe_node(bool tokens = false) {
    std::vector<std::string> extra;
    if (tokens) {
      auto path = data.path() + "/tokens";
      {
        std::ofstream out(path);
        out << "ops admin " << admin_token << "\n";
      }
      chmod(path.c_str(), 0600);
      extra.push_back("--token-file=" + path);
    }
    node = std::make_unique<personad_process>(data.path() + "/data", extra);
    log = std::make_unique<log_drain>(*node);
    wait_for_warm_ahead(node->port, tokens ? admin_token : "");
    rss_before = settled_rss_mib(node->pid);
  }
  /// Prints the figures and checks the resident size grew less than 50 MiB.
  void report(const std::string& attack, bystander& other) {
    other.finish();
    double rss_after = settled_rss_mib(node->pid);
    std::cout << "probe: " << attack << ": VmRSS " << rss_before << " MiB before, " << rss_after
              << " MiB after (+" << rss_after - rss_before << "); the other client's get_profile p99 "
              << other.p99() << " ms over " << other.ms.size() << " requests during the attack" << std::endl;
    CHECK(other.failures == 0);
    CHECK(other.ms.size() > 0);
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer's allocator adds redzones and keeps freed memory in
    // quarantine, so its resident size is not the node's: the bound holds
    // for the node as built for use, which the default tests run.
    WARN("resident size not checked under AddressSanitizer");
#else
    CHECK(rss_after - rss_before < 50.0);
#endif
  }
  ~probe_node() {
    node->crash();
    log->join();
  }
};

/// [0, msgid, "ingest", 64 map32 headers of 2^20 pairs, each holding the next].
std::string nested_map32(uint32_t msgid) {
  std::string bytes = "\x94";
  bytes += '\x00';
  bytes += static_cast<char>(msgid & 0x7f);
  bytes += "\xa6ingest";
  for (int i = 0; i < 64; ++i)
    bytes += std::string("\xdf\x00\x10\x00\x00\x00", 6);  // map32 of 2^20 pairs, first key 0
  return bytes;
}

}  // namespace

TEST_CASE("probe: nested map32 headers from stalled connections are refused, memory stays bounded") {
  probe_node p;
  bystander other(p.node->port, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int attackers = 32;
  std::vector<std::unique_ptr<probe_socket>> sockets;
  for (int i = 0; i < attackers; ++i) {
    sockets.push_back(std::make_unique<probe_socket>(p.node->port));
    sockets.back()->send(nested_map32(static_cast<uint32_t>(i)));  // then stall
  }
  for (auto& s : sockets) {
    std::string code;
    REQUIRE(s->reply(code));
    CHECK(code == "too_large");
    CHECK(s->closed_by_node());
  }
  CHECK(p.log->wait_for("a declared length exceeds the node's limits", attackers) == attackers);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  p.report("32 connections x 64 nested map32 headers", other);
}

TEST_CASE("probe: one-byte messages behind an unanswered write are held within the decode budget") {
  probe_node p;
  bystander other(p.node->port, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int attackers = 4;
  std::vector<std::unique_ptr<probe_socket>> sockets;
  for (int i = 0; i < attackers; ++i) {
    sockets.push_back(std::make_unique<probe_socket>(p.node->port));
    // A write, a second write that must wait for its answer, then 64 KiB
    // of one-byte messages that wait behind them.
    std::string burst = net::encode_request(1, "delete_profile", args({value{"nobody"}}));
    burst += net::encode_request(2, "set_attributes", args({value{"nobody"}, map_of({{"a", value{"b"}}})}));
    burst += std::string(65536, '\x01');
    sockets.back()->send(burst);
  }
  for (auto& s : sockets)
    CHECK(s->closed_by_node());
  CHECK(p.log->wait_for("a message must be an array", attackers) >= attackers);
  p.report("4 connections x 64 KiB of one-byte messages behind a write", other);
}

TEST_CASE("probe: 1,024 idle connections from one address do not lock out another client") {
  probe_node p;
  std::vector<std::unique_ptr<probe_socket>> idle;
  for (int i = 0; i < 1024; ++i)
    idle.push_back(std::make_unique<probe_socket>(p.node->port));
  bystander other(p.node->port, "");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(p.log->wait_for("max_connections_per_ip (256) are open from it", 1024 - 256) == 1024 - 256);
  p.report("1,024 idle connections from 127.0.0.1", other);
}

TEST_CASE("probe: token guessing: the sixth bad hello closes the connection") {
  probe_node p(true);
  bystander other(p.node->port, admin_token);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int attackers = 64;
  size_t guesses = 0;
  for (int a = 0; a < attackers; ++a) {
    probe_socket s(p.node->port);
    int answered = 0;
    for (int i = 1; i <= 10; ++i) {
      auto guess = "guess-" + std::to_string(a) + "-" + std::to_string(i) + "-0123456789abcdef";
      if (!s.send(net::encode_request(static_cast<uint32_t>(i), "hello",
                                      args({map_of({{"token", value{guess}}})}))))
        break;
      std::string code;
      if (!s.reply(code))
        break;
      CHECK(code == "unauthenticated");
      ++answered;
      ++guesses;
    }
    CHECK(answered == 6);
    CHECK(s.closed_by_node());
  }
  CHECK(p.log->wait_for("6 hellos failed (max_failed_hellos 5); closing it", attackers) == attackers);
  p.report("64 connections x 6 guessed tokens (" + std::to_string(guesses) + " guesses)", other);
}
