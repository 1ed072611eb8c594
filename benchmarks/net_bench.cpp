// persona-bench-net: measures a running node over TCP with the C++ client:
// ingest events/s with batches of `--batch` over `--connections`
// connections (batches pre-encoded before the clock starts), then
// get_profile latency when idle and while that ingest runs at full speed.
// Reproduce with scripts/bench-net.sh (docs/benchmarks.md).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>

#include "core/util/command_line.hpp"
#include "examples/workload.hpp"
#include "net/client.hpp"
#include "net/msgpack_value.hpp"

using namespace persona;
using clock_type = std::chrono::steady_clock;

namespace {

/// The params array [events] of one ingest call, msgpack-encoded.
std::string encode_batch(const std::vector<event>& events) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(1);
  pk.pack_array(static_cast<uint32_t>(events.size()));
  for (auto& e : events)
    net::pack_value(pk, buf, workload::to_value(e));
  return std::string(buf.data(), buf.size());
}

struct percentiles {
  double p50, p90, p99, p999, max;
};

percentiles summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us.empty() ? 0.0 : us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))];
  };
  return {at(0.5), at(0.9), at(0.99), at(0.999), us.empty() ? 0.0 : us.back()};
}

/// Sends every batch over `clients`, at most `window` in flight on each.
double ingest_all(std::vector<std::unique_ptr<net::client>>& clients, const std::vector<std::string>& batches,
                  size_t window, std::atomic<uint64_t>& errors) {
  auto start = clock_type::now();
  std::vector<std::thread> senders;
  for (size_t c = 0; c < clients.size(); ++c) {
    senders.emplace_back([&, c] {
      std::mutex m;
      std::condition_variable cv;
      size_t in_flight = 0;
      for (size_t b = c; b < batches.size(); b += clients.size()) {
        {
          std::unique_lock<std::mutex> lock(m);
          cv.wait(lock, [&] { return in_flight < window; });
          ++in_flight;
        }
        clients[c]->call_encoded("ingest", batches[b], [&](result<value> r) {
          if (!r.ok() || !r->find("rejected")->as_array().empty())
            ++errors;
          std::lock_guard<std::mutex> lock(m);
          --in_flight;
          cv.notify_all();
        });
      }
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return in_flight == 0; });
    });
  }
  for (auto& t : senders)
    t.join();
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// get_profile round trips, one at a time, every `pause`, until `stop`.
std::vector<double> probe(net::client& c, uint64_t users, std::chrono::microseconds pause,
                          const std::atomic<bool>& stop, size_t max_samples) {
  std::vector<double> us;
  uint64_t u = 1;
  while (!stop && us.size() < max_samples) {
    auto t = clock_type::now();
    auto r = c.call_sync("get_profile", value{value::array{value{workload::user_id(u % users)}}});
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t).count());
    u = u * 7919 + 13;
    if (pause.count())
      std::this_thread::sleep_for(pause);
  }
  return us;
}

void print_latency(const char* what, const percentiles& p, size_t n) {
  std::printf("%-34s n=%-7zu p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  max %8.1f us\n", what,
              n, p.p50, p.p90, p.p99, p.p999, p.max);
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--help")) {
    std::printf(
        "usage: persona-bench-net --port=P [--users=200000] [--events=4000000] [--batch=500]\n"
        "                         [--connections=2] [--window=8]\n");
    return 0;
  }
  if (auto wrong = unknown_flag(argc, argv, "port users events batch connections window", "help");
      !wrong.empty()) {
    std::fprintf(stderr, "persona-bench-net: %s\n", wrong.c_str());
    return 2;
  }
  auto port = static_cast<uint16_t>(flag_value(argc, argv, "port", 7400));
  workload_options wo;
  wo.users = flag_value(argc, argv, "users", 200000);
  wo.items = 100000;
  uint64_t events = flag_value(argc, argv, "events", 4000000);
  size_t batch = flag_value(argc, argv, "batch", 500);
  size_t connections = flag_value(argc, argv, "connections", 2);
  size_t window = flag_value(argc, argv, "window", 8);

  std::vector<std::unique_ptr<net::client>> clients;
  for (size_t i = 0; i < connections + 1; ++i) {
    clients.push_back(std::make_unique<net::client>());
    if (auto st = clients.back()->connect("127.0.0.1", port); !st.ok()) {
      std::fprintf(stderr, "persona-bench-net: %s\n", st.message().c_str());
      return 1;
    }
  }
  auto prober = std::move(clients.back());
  clients.pop_back();
  workload shop(wo);
  if (auto r = prober->call_sync("upsert_items", value{value::array{shop.catalog()}}); !r.ok()) {
    std::fprintf(stderr, "upsert_items failed: %s\n", r.error().to_string().c_str());
    return 1;
  }
  auto encode = [&](uint64_t n, bool one_per_user) {
    std::vector<std::string> out;
    for (uint64_t i = 0; i < n;) {
      std::vector<event> b;
      for (size_t k = 0; k < batch && i < n; ++k, ++i)
        b.push_back(one_per_user ? shop.next_for(i) : shop.next());
      out.push_back(encode_batch(b));
    }
    return out;
  };
  std::printf(
      "persona-bench-net: port %u, %llu users, %llu events, batches of %zu, %zu connections, %zu in flight "
      "each\n",
      port, static_cast<unsigned long long>(wo.users), static_cast<unsigned long long>(events), batch,
      connections, window);
  std::atomic<uint64_t> errors{0};
  auto populate = encode(wo.users, true);
  ingest_all(clients, populate, window, errors);

  std::atomic<bool> stop{false};
  auto idle = probe(*prober, wo.users, std::chrono::microseconds(200), stop, 3000);
  print_latency("get_profile, idle", summarize(idle), idle.size());

  auto steady = encode(events, false);
  std::vector<double> loaded;
  std::thread probing(
      [&] { loaded = probe(*prober, wo.users, std::chrono::microseconds(1000), stop, 1000000); });
  double secs = ingest_all(clients, steady, window, errors);
  stop = true;
  probing.join();
  double rate = events / secs;
  std::printf("ingest over TCP: %llu events in %.2f s: %.0f events/s\n",
              static_cast<unsigned long long>(events), secs, rate);
  print_latency("get_profile, under that ingest", summarize(loaded), loaded.size());
  if (errors)
    std::printf("WARNING: %llu calls failed or had rejections\n",
                static_cast<unsigned long long>(errors.load()));
  std::printf("\nRESULT tcp_events_per_s=%.0f get_p99_idle_us=%.1f get_p99_loaded_us=%.1f\n", rate,
              summarize(idle).p99, summarize(loaded).p99);
  return errors ? 1 : 0;
}
