// persona-bench-segments: the figures of live segments, queries and
// clusters, in process, on the simulated shop of persona-bench-engine
// (2 shards, memory only):
//
//   1. query latency over --users profiles (default 1 million), idle node;
//   2. the event-rate cost of 20 live segments: two engines hold the same
//      users and take the same events, chunk by chunk in the order ABBA
//      (so drift in time, profile size and machine load falls on both
//      alike); only engine A keeps the segments;
//   3. one k-means iteration over every user with 6 features and k = 8,
//      from trainings of 1 and 21 iterations (the fastest of three each).
//
// Reproduce with scripts/bench-segments.sh (docs/benchmarks.md).
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "actors/engine.hpp"
#include "bench_driver.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/store/profile_store.hpp"
#include "core/util/command_line.hpp"
#include "core/util/user_router.hpp"
#include "examples/workload.hpp"

using namespace persona;
using namespace persona::bench;

namespace {

value cond(const std::string& field, const std::string& op, value v) {
  value c{value::map{}};
  c.set("field", value{field});
  c.set("op", value{op});
  c.set("value", std::move(v));
  return c;
}

value all_of(std::vector<value> xs) {
  value c{value::map{}};
  c.set("and", value{value::array(xs.begin(), xs.end())});
  return c;
}

value tag(const std::string& name) {
  value c{value::map{}};
  c.set("tag", value{name});
  return c;
}

/// Twenty segments on counters and value only (--mix=counters).
std::vector<std::pair<std::string, value>> twenty_counter_segments() {
  std::vector<std::pair<std::string, value>> s;
  const char* types[] = {"view", "click", "add_to_cart", "purchase", "search"};
  for (int i = 0; i < 15; ++i)
    s.emplace_back("count_" + std::to_string(i),
                   cond(std::string("counts.") + types[i % 5], ">=", value{int64_t{1 + i / 5 * 3}}));
  for (int i = 0; i < 5; ++i)
    s.emplace_back("value_" + std::to_string(i), cond("rfm.monetary", ">=", value{50.0 * (i + 1)}));
  return s;
}

/// Twenty segments of the kinds a shop defines: counts, windows, value,
/// affinities, tags and combinations.
std::vector<std::pair<std::string, value>> twenty_segments() {
  std::vector<std::pair<std::string, value>> s;
  for (int i = 1; i <= 4; ++i)
    s.emplace_back("viewed_" + std::to_string(i * 5), cond("counts.view", ">=", value{int64_t{i * 5}}));
  s.emplace_back("buyers", cond("counts.purchase", ">=", value{int64_t{1}}));
  s.emplace_back("repeat_buyers", cond("rfm.frequency", ">=", value{int64_t{3}}));
  s.emplace_back("big_spenders", cond("rfm.monetary", ">=", value{500.0}));
  s.emplace_back("high_aov", cond("rfm.avg_order_value", ">=", value{80.0}));
  s.emplace_back("carted_7d", cond("windows.7d.add_to_cart", ">=", value{int64_t{1}}));
  s.emplace_back("active_24h", cond("windows.24h.view", ">=", value{int64_t{3}}));
  s.emplace_back("searchers", cond("counts.search", ">=", value{int64_t{2}}));
  s.emplace_back("clickers_30d", cond("windows.30d.click", ">=", value{int64_t{5}}));
  for (int c = 0; c < 4; ++c)
    s.emplace_back("likes_cat" + std::to_string(c),
                   cond("affinity.category.cat" + std::to_string(c), ">=", value{0.3}));
  s.emplace_back("cart_abandoners", tag("cart_abandoner"));
  s.emplace_back("window_shoppers", tag("window_shopper"));
  s.emplace_back("valuable_abandoners",
                 all_of({tag("cart_abandoner"), cond("rfm.monetary", ">=", value{100.0})}));
  s.emplace_back("loyal", tag("loyal"));
  return s;
}

/// Times one sweep of the time-dependent segments: lets the sweep interval
/// pass, moves event time on by an hour with a small batch, and waits
/// until every shard has swept.
void measure_sweep(engine& eng, workload& shop, const engine_options& eo, size_t batch, size_t window) {
  uint64_t rejected = 0;
  std::this_thread::sleep_for(eo.segment_sweep_interval + std::chrono::seconds(1));
  auto later = make_batches(shop, 20000, batch, false);
  for (auto& b : later)
    for (auto& e : b)
      e.ts += 3600000;
  drive(eng, later, window, rejected);
  double sweep_ms = 0;
  for (int i = 0; i < 600 && sweep_ms == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto st = eng.stats_sync();
    uint64_t done = 0;
    double total = 0;
    for (auto& sh : st->find("shards")->as_array()) {
      done += sh.find("segment_sweeps")->as_int() > 0;
      total = std::max(total, sh.find("last_sweep_ms")->as_double());
    }
    if (done == st->find("shards")->as_array().size())
      sweep_ms = total;
  }
  std::printf(
      "a sweep of the time-dependent segments over the users: %.0f ms of a shard's time; at one sweep per "
      "%lld s, %.1f%% of it\n",
      sweep_ms, static_cast<long long>(eo.segment_sweep_interval.count() / 1000),
      sweep_ms / static_cast<double>(eo.segment_sweep_interval.count()) * 100);
}

/// CPU seconds this thread has run: unlike the wall clock, it does not
/// count the time other processes on this shared machine took the core.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// The paired comparison: runs `chunks` chunks on A and on B, in the
/// order A B, B A, A B, ..., and reports the cost of A against B: from the
/// totals, and the spread over pairs of chunks. `run(chunk, on_a)` returns
/// the seconds and the events it took.
template <class Run>
double paired_cost(uint64_t chunks, const char* what, Run run) {
  double secs_a = 0, secs_b = 0, events = 0;
  std::vector<double> pair_costs;
  for (uint64_t c = 0; c < chunks; ++c) {
    std::pair<double, double> a, b;
    if (c % 2 == 0) {
      a = run(c, true);
      b = run(c, false);
    } else {
      b = run(c, false);
      a = run(c, true);
    }
    secs_a += a.first;
    secs_b += b.first;
    events += a.second;
    pair_costs.push_back(1 - b.first / a.first);
  }
  std::sort(pair_costs.begin(), pair_costs.end());
  double cost = 1 - secs_b / secs_a;
  std::printf(
      "%s: %.0f events/s with them, %.0f without: %.1f%% over %llu chunk pairs (per pair: quartiles "
      "%.1f%% / %.1f%% / %.1f%%)\n",
      what, events / secs_a, events / secs_b, 100 * cost, static_cast<unsigned long long>(chunks),
      100 * pair_costs[pair_costs.size() / 4], 100 * pair_costs[pair_costs.size() / 2],
      100 * pair_costs[pair_costs.size() * 3 / 4]);
  return cost;
}

/// The cost of 20 live segments on one shard's store alone, on this
/// thread: no actors, routing or item model. Two stores hold shard 0 of
/// 2's users and apply the same events in the shard's slices of 64; only
/// store A keeps the segments. Times are CPU seconds of this thread.
int store_level(workload& shop, const workload_options& wo, uint64_t warm, uint64_t events, uint64_t chunk,
                const std::vector<std::pair<std::string, value>>& segments) {
  std::vector<item_record> records;
  value items = shop.catalog();
  for (auto& v : items.as_array()) {
    item_record r;
    if (!parse_item_record(v, r))
      records.push_back(std::move(r));
  }
  auto catalog = item_catalog{}.with(records);
  profile_store with, without;
  auto mine = [&](uint64_t n, bool one_per_user) {
    std::vector<event> out;
    for (uint64_t i = 0; i < n; ++i) {
      auto e = one_per_user ? shop.next_for(i) : shop.next();
      if (shard_of(e.user, 2) == 0)
        out.push_back(std::move(e));
    }
    return out;
  };
  std::vector<uint32_t> indices(250);
  for (uint32_t i = 0; i < indices.size(); ++i)
    indices[i] = i;
  auto apply_all = [&](profile_store& store, const std::vector<event>& evs) {
    const size_t slice = 64;
    auto t = thread_cpu_seconds();
    for (size_t first = 0; first < evs.size(); first += slice)
      store.apply(evs, indices, first, std::min(slice, evs.size() - first), catalog.get());
    return thread_cpu_seconds() - t;
  };
  for (auto& evs : {mine(wo.users, true), mine(warm, false)}) {
    apply_all(with, evs);
    apply_all(without, evs);
  }
  for (auto& [name, c] : segments)
    if (!with.segments().define(with, name, c, with.newest_event_ms()).ok())
      return 1;
  std::printf("store level: two stores of shard 0 of 2 (%zu users each), this thread only\n", with.size());
  std::vector<event> evs;
  paired_cost(std::max<uint64_t>(2, events / chunk), "store-level cost of 20 live segments",
              [&](uint64_t c, bool on_a) {
                if (on_a == (c % 2 == 0))  // the first of the pair makes the chunk
                  evs = mine(chunk, false);
                // Each store applies on a thread of its own name, so a
                // profiler tells the two apart.
                double secs = 0;
                std::thread applier([&] {
                  pthread_setname_np(pthread_self(), on_a ? "with-segments" : "without");
                  secs = apply_all(on_a ? with : without, evs);
                });
                applier.join();
                return std::make_pair(secs, static_cast<double>(evs.size()));
              });
  return 0;
}

double percentile(std::vector<double> xs, double p) {
  std::sort(xs.begin(), xs.end());
  return xs.empty() ? 0 : xs[std::min(xs.size() - 1, static_cast<size_t>(p * xs.size()))];
}

double timed_training(engine& eng, uint64_t max_iter, int64_t& iterations) {
  value features{value::array{value{"counts.view"}, value{"counts.click"}, value{"counts.add_to_cart"},
                              value{"windows.30d.view"}, value{"sessions.count"}, value{"last_seen"}}};
  value o{value::map{}};
  o.set("k", value{uint64_t{8}});
  o.set("features", features);
  o.set("max_iter", value{max_iter});
  o.set("seed", value{uint64_t{1}});
  auto t = clock_type::now();
  auto r = eng.train_clusters_sync(o);
  double secs = seconds_since(t);
  if (!r.ok()) {
    std::printf("train_clusters failed: %s\n", r.error().message().c_str());
    return 0;
  }
  iterations = r->find("iterations")->as_int();
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--help")) {
    std::printf(
        "usage: persona-bench-segments [--users=1000000] [--warm=2000000] [--events=4000000] [--queries=30] "
        "[--chunk=200000] [--mix=shop|counters] [--recommendations=1] [--store]\n"
        "  --warm: events after the first one per user, before anything is measured\n"
        "  --events: events each engine takes with and without segments, in chunks of --chunk\n"
        "  --mix=shop (default): counts, windows, value, category affinities, tags and a combination\n"
        "  --mix=counters: lifetime counts and monetary value only\n"
        "  --recommendations=0: without the item model (on by default, as in a node)\n"
        "  --store: only the cost of the segments on one shard's store, on one thread\n");
    return 0;
  }
  if (auto wrong =
          unknown_flag(argc, argv, "users warm events queries chunk mix recommendations", "help store");
      !wrong.empty()) {
    std::fprintf(stderr, "persona-bench-segments: %s\n", wrong.c_str());
    return 2;
  }
  workload_options wo;
  wo.users = flag_value(argc, argv, "users", 1000000);
  uint64_t events = flag_value(argc, argv, "events", 4000000);
  uint64_t warm = flag_value(argc, argv, "warm", 2000000);
  uint64_t queries = flag_value(argc, argv, "queries", 30);
  uint64_t chunk = std::max<uint64_t>(1000, flag_value(argc, argv, "chunk", 200000));
  size_t batch = 500, window = 8;
  engine_options eo;
  eo.shards = 2;
  eo.worker_threads = 2;
  eo.recommendations = flag_value(argc, argv, "recommendations", 1) != 0;
  std::printf(
      "persona-bench-segments: %llu users, %llu events for the cost of segments, 2 shards, memory only\n",
      static_cast<unsigned long long>(wo.users), static_cast<unsigned long long>(events));
  workload shop(wo);
  auto mix = flag_text(argc, argv, "mix", "shop");
  if (mix != "shop" && mix != "counters") {
    std::fprintf(stderr, "persona-bench-segments: --mix must be shop or counters, got '%s'\n", mix.c_str());
    return 2;
  }
  bool counters_only = mix == "counters";
  auto segments = counters_only ? twenty_counter_segments() : twenty_segments();
  if (has_flag(argc, argv, "--store"))
    return store_level(shop, wo, warm, events, chunk, segments);
  // Engine A (eng) takes the queries, the segments and the trainings;
  // its twin B takes the same events, for the paired cost of segments.
  engine eng(eo), twin(eo);
  uint64_t rejected = 0;
  for (auto* e : {&eng, &twin})
    e->upsert_items_sync(shop.catalog());
  for (auto& batches : {make_batches(shop, wo.users, batch, true), make_batches(shop, warm, batch, false)})
    for (auto* e : {&eng, &twin}) {
      auto copy = batches;
      drive(*e, copy, window, rejected);
    }

  // 1. Queries on an idle node.
  value where =
      all_of({cond("counts.view", ">=", value{int64_t{3}}), cond("rfm.monetary", ">=", value{50.0})});
  value opts{value::map{}};
  opts.set("limit", value{uint64_t{10}});
  opts.set("aggregate",
           value{value::array{value{value::map{{"field", value{"rfm.monetary"}}, {"fn", value{"avg"}}}}}});
  std::vector<double> ms;
  int64_t matched = 0;
  for (uint64_t i = 0; i < queries; ++i) {
    auto t = clock_type::now();
    auto r = eng.query_sync(where, opts);
    ms.push_back(seconds_since(t) * 1000);
    if (r.ok())
      matched = r->find("count")->as_int();
  }
  std::printf(
      "\nquery over %llu users (%lld match; limit 10, one avg): p50 %.1f ms, p90 %.1f ms, max %.1f ms\n",
      static_cast<unsigned long long>(wo.users), static_cast<long long>(matched), percentile(ms, 0.5),
      percentile(ms, 0.9), percentile(ms, 1.0));

  // 2. The ingest cost of 20 live segments: engine A keeps them, engine B
  // (the same users, the same events) does not.
  auto t = clock_type::now();
  for (auto& [name, c] : segments) {
    auto r = eng.define_segment_sync(name, c);
    if (!r.ok()) {
      std::printf("define_segment %s failed: %s\n", name.c_str(), r.error().message().c_str());
      return 1;
    }
  }
  std::printf("\ndefined 20 segments over %llu users in %.2f s\n", static_cast<unsigned long long>(wo.users),
              seconds_since(t));
  std::vector<std::vector<event>> run;
  paired_cost(std::max<uint64_t>(2, events / chunk), "ingest cost of 20 live segments",
              [&](uint64_t c, bool on_a) {
                if (on_a == (c % 2 == 0))  // the first of the pair makes the chunk
                  run = make_batches(shop, chunk, batch, false);
                auto copy = run;
                std::printf("phase: ingest %s\n", on_a ? "with 20 live segments" : "without segments");
                std::fflush(stdout);
                double secs = drive(on_a ? eng : twin, copy, window, rejected);
                std::printf("phase: done\n");
                std::fflush(stdout);
                return std::make_pair(secs, static_cast<double>(chunk));
              });
  // What a sweep of the time-dependent segments costs (the counters mix
  // has none).
  if (!counters_only)
    measure_sweep(eng, shop, eo, batch, window);

  // 3. One k-means iteration: trainings differing only in iterations,
  // each the fastest of three (a training takes about a second, an
  // iteration about ten milliseconds: one noisy second would swamp it).
  int64_t it_a = 0, it_b = 0;
  double a = 1e9, b = 1e9;
  for (int i = 0; i < 3; ++i) {
    a = std::min(a, timed_training(eng, 1, it_a));
    b = std::min(b, timed_training(eng, 21, it_b));
  }
  if (it_b > it_a)
    std::printf(
        "\nk-means, %llu users, 6 features, k = 8: %d iterations in %.2f s, %d in %.2f s: "
        "%.1f ms per iteration\n",
        static_cast<unsigned long long>(wo.users), static_cast<int>(it_a), a, static_cast<int>(it_b), b,
        1000 * (b - a) / static_cast<double>(it_b - it_a));
  return 0;
}
