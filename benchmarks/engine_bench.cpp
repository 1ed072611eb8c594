// persona-bench-engine: the in-process engine benchmark. Drives the engine
// facade with a simulated shop (1 million users by default; 70% view, 15%
// click, 8% add_to_cart, 4% purchase, 3% search over a Zipf item catalog) in
// batches of 500 with a few batches in flight, and reports events/s and
// bytes per profile. `--compare-index` also measures the user index against
// std::unordered_map. Events are generated before the clock starts, so the
// figure is the engine's, not the generator's. Reproduce with
// scripts/bench-engine.sh (docs/benchmarks.md).
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/engine.hpp"
#include "bench_driver.hpp"
#include "core/util/command_line.hpp"
#include "core/util/id_index.hpp"
#include "core/util/stable_hash.hpp"
#include "examples/workload.hpp"

using namespace persona;
using namespace persona::bench;

namespace {

/// Bytes allocated through counting_allocator, whatever malloc is linked.
size_t counted_bytes = 0;

/// An allocator that counts what a container allocates, for the index
/// comparison: the process allocator's own statistics differ between glibc
/// and jemalloc. Adds the usual 16 bytes of allocator overhead per block.
template <class T>
struct counting_allocator {
  using value_type = T;
  counting_allocator() = default;
  template <class U>
  counting_allocator(const counting_allocator<U>&) {}
  T* allocate(size_t n) {
    counted_bytes += n * sizeof(T) + 16;
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, size_t n) {
    counted_bytes -= n * sizeof(T) + 16;
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  bool operator==(const counting_allocator<U>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const counting_allocator<U>&) const {
    return false;
  }
};

void compare_index(uint64_t users) {
  std::vector<std::string> ids;
  ids.reserve(users);
  for (uint64_t u = 0; u < users; ++u)
    ids.push_back(workload::user_id(u));
  std::printf("\nuser index vs std::unordered_map, %llu users (ids like \"u123456\"):\n",
              static_cast<unsigned long long>(users));
  std::printf("%-28s %12s %12s %14s\n", "structure", "insert ns/op", "lookup ns/op", "bytes/user");
  {
    auto t = clock_type::now();
    id_index index;
    for (uint64_t u = 0; u < users; ++u)
      index.insert(stable_hash(ids[u]), static_cast<uint32_t>(u));
    double insert_ns = seconds_since(t) * 1e9 / users;
    t = clock_type::now();
    uint64_t found = 0;
    for (uint64_t k = 0; k < users; ++k) {
      uint64_t u = (k * 7919) % users;
      found +=
          index.find(ids[u], stable_hash(ids[u]), [&](uint32_t s) { return std::string_view{ids[s]}; }) == u;
    }
    double lookup_ns = seconds_since(t) * 1e9 / users;
    std::printf("%-28s %12.1f %12.1f %14.1f%s\n", "persona::id_index", insert_ns, lookup_ns,
                static_cast<double>(index.memory_bytes()) / users, found == users ? "" : "  (LOOKUP FAILED)");
  }
  {
    using counted_string = std::basic_string<char, std::char_traits<char>, counting_allocator<char>>;
    std::vector<counted_string> keys(ids.begin(), ids.end());
    counted_bytes = 0;
    auto t = clock_type::now();
    struct counted_hash {
      size_t operator()(const counted_string& x) const { return std::hash<std::string_view>{}(x); }
    };
    std::unordered_map<counted_string, uint32_t, counted_hash, std::equal_to<counted_string>,
                       counting_allocator<std::pair<const counted_string, uint32_t>>>
        map;
    for (uint64_t u = 0; u < users; ++u)
      map.emplace(keys[u], static_cast<uint32_t>(u));
    double insert_ns = seconds_since(t) * 1e9 / users;
    t = clock_type::now();
    uint64_t found = 0;
    for (uint64_t k = 0; k < users; ++k) {
      uint64_t u = (k * 7919) % users;
      found += map.find(keys[u])->second == u;
    }
    double lookup_ns = seconds_since(t) * 1e9 / users;
    std::printf("%-28s %12.1f %12.1f %14.1f%s\n", "std::unordered_map<string>", insert_ns, lookup_ns,
                static_cast<double>(counted_bytes) / users, found == users ? "" : "  (LOOKUP FAILED)");
  }
  std::printf(
      "(id_index stores no key: the id lives once, in the profile slab; the map's\n"
      " figure includes its own copy of each id)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--help")) {
    std::printf(
        "usage: persona-bench-engine [--users=1000000] [--events=5000000] [--shards=2]\n"
        "                            [--batch=500] [--window=8] [--items=100000] [--compare-index]\n"
        "                            [--user-skew=0]   (Zipf exponent of user activity x 100; 0 = "
        "uniform)\n"
        "                            [--recommendations=1] (0: no item model)  [--threads=2]\n"
        "                            [--slice=64]      (events a shard applies between messages)\n"
        "                            [--learn-rate=N]  (item model signals learnt a second)\n"
        "                            [--dedupe-without-id=0] (1: events, which carry no id, are "
        "deduplicated by content)\n");
    return 0;
  }
  if (auto wrong = unknown_flag(
          argc, argv,
          "users events shards batch window items user-skew recommendations threads slice learn-rate "
          "dedupe-without-id",
          "help compare-index");
      !wrong.empty()) {
    std::fprintf(stderr, "persona-bench-engine: %s\n", wrong.c_str());
    return 2;
  }
  workload_options wo;
  wo.users = flag_value(argc, argv, "users", 1000000);
  wo.items = flag_value(argc, argv, "items", 100000);
  // --user-skew=N is N/100 as the Zipf exponent of user activity (0: uniform).
  wo.user_skew = static_cast<double>(flag_value(argc, argv, "user-skew", 0)) / 100.0;
  uint64_t events = flag_value(argc, argv, "events", 5000000);
  size_t batch = flag_value(argc, argv, "batch", 500);
  size_t window = flag_value(argc, argv, "window", 8);
  engine_options eo;
  eo.shards = flag_value(argc, argv, "shards", 2);
  eo.worker_threads = flag_value(argc, argv, "threads", 2);
  eo.recommendations = flag_value(argc, argv, "recommendations", 1) != 0;
  eo.shard_slice_events = flag_value(argc, argv, "slice", eo.shard_slice_events);
  eo.dedupe_without_id = flag_value(argc, argv, "dedupe-without-id", 0) != 0;
  eo.recommend.learn_signals_per_second = static_cast<double>(
      flag_value(argc, argv, "learn-rate", static_cast<uint64_t>(eo.recommend.learn_signals_per_second)));

  std::printf(
      "persona-bench-engine: %llu users (activity %s), %llu items, %llu events after one per user, "
      "%zu shards, %zu worker threads, batches of %zu, %zu in flight%s\n",
      static_cast<unsigned long long>(wo.users),
      wo.user_skew > 0 ? ("Zipf " + std::to_string(wo.user_skew).substr(0, 4)).c_str() : "uniform",
      static_cast<unsigned long long>(wo.items), static_cast<unsigned long long>(events), eo.shards,
      eo.worker_threads, batch, window, eo.dedupe_without_id ? ", dedupe without ids" : "");
  workload shop(wo);
  size_t rss_start = rss_bytes();
  engine eng(eo);
  if (auto r = eng.upsert_items_sync(shop.catalog()); !r.ok()) {
    std::fprintf(stderr, "upsert_items failed: %s\n", r.error().to_string().c_str());
    return 1;
  }

  auto t = clock_type::now();
  auto populate = make_batches(shop, wo.users, batch, true);
  std::printf("generated %llu populate events in %.1f s\n", static_cast<unsigned long long>(wo.users),
              seconds_since(t));
  uint64_t rejected = 0;
  double secs = drive(eng, populate, window, rejected);
  populate.clear();
  populate.shrink_to_fit();
  std::printf("populate: %llu events (one per user, creating every profile) in %.2f s: %.0f events/s\n",
              static_cast<unsigned long long>(wo.users), secs, wo.users / secs);

  t = clock_type::now();
  auto steady = make_batches(shop, events, batch, false);
  std::printf("generated %llu steady events in %.1f s\n", static_cast<unsigned long long>(events),
              seconds_since(t));
  secs = drive(eng, steady, window, rejected);
  steady.clear();
  steady.shrink_to_fit();
  double rate = events / secs;
  std::printf("steady:   %llu events over %llu existing users in %.2f s: %.0f events/s\n",
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(wo.users), secs, rate);
  if (rejected)
    std::printf("WARNING: %llu batches had rejections or errors\n",
                static_cast<unsigned long long>(rejected));

  auto s = eng.stats_sync();
  if (!s.ok()) {
    std::fprintf(stderr, "stats failed: %s\n", s.error().to_string().c_str());
    return 1;
  }
  auto& mem = *s->find("memory");
  uint64_t users = s->find("users")->as_int();
  size_t rss_end = rss_bytes();
  std::printf("\nprofiles: %llu, accounted bytes per profile (profile, id, index): %.0f\n",
              static_cast<unsigned long long>(users), mem.find("bytes_per_profile")->as_double());
  std::printf("process RSS growth per profile (everything, catalog and symbols included): %.0f\n",
              users ? static_cast<double>(rss_end - rss_start) / users : 0.0);
  // What the item model kept up with: a run that drops signals, or ends
  // with many waiting, did less model work per event than one that does not.
  // A node without an item model (--recommendations=0) has no backlog.
  auto* model = s->find("item_model");
  if (model && model->find("waiting_signals"))
    std::printf("item model: %lld signals taken, %lld dropped (more than %lld waiting), %lld waiting\n",
                static_cast<long long>(model->find("signals")->as_int()),
                static_cast<long long>(model->find("dropped_signals")->as_int()),
                static_cast<long long>(model->find("max_waiting_signals")->as_int()),
                static_cast<long long>(model->find("waiting_signals")->as_int()));
  std::printf("\nRESULT events_per_s=%.0f bytes_per_profile=%.0f\n", rate,
              mem.find("bytes_per_profile")->as_double());

  if (has_flag(argc, argv, "--compare-index"))
    compare_index(wo.users);
  return 0;
}
