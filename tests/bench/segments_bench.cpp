// persona-bench-segments: the figures of live segments, queries and
// clusters, in process, on the simulated shop of persona-bench-engine
// (2 shards, memory only):
//
//   1. query latency over --users profiles (default 1 million), idle node;
//   2. ingest events/s with no segment and with 20 live segments, the
//      ratio being the event-rate cost of keeping them;
//   3. one k-means iteration over every user with 6 features and k = 8,
//      from two trainings that differ only in iterations.
//
// Reproduce with scripts/bench-segments.sh (docs/benchmarks.md).
#include <algorithm>
#include <cstdio>
#include <thread>

#include "actors/engine.hpp"
#include "bench_driver.hpp"
#include "examples/command_line.hpp"
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
        "usage: persona-bench-segments [--users=1000000] [--events=2000000] [--queries=30] "
        "[--mix=shop|counters]\n"
        "  --mix=shop (default): counts, windows, value, category affinities, tags and a combination\n"
        "  --mix=counters: lifetime counts and monetary value only\n");
    return 0;
  }
  workload_options wo;
  wo.users = flag_value(argc, argv, "users", 1000000);
  uint64_t events = flag_value(argc, argv, "events", 2000000);
  uint64_t queries = flag_value(argc, argv, "queries", 30);
  size_t batch = 500, window = 8;
  engine_options eo;
  eo.shards = 2;
  eo.worker_threads = 2;
  std::printf("persona-bench-segments: %llu users, %llu events per ingest run, 2 shards, memory only\n",
              static_cast<unsigned long long>(wo.users), static_cast<unsigned long long>(events));
  workload shop(wo);
  engine eng(eo);
  eng.upsert_items_sync(shop.catalog());
  uint64_t rejected = 0;
  auto populate = make_batches(shop, wo.users, batch, true);
  drive(eng, populate, window, rejected);
  populate.clear();
  auto warm = make_batches(shop, events, batch, false);
  drive(eng, warm, window, rejected);
  warm.clear();

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

  // 2. Ingest without and with 20 live segments.
  auto run = make_batches(shop, events, batch, false);
  double base = events / drive(eng, run, window, rejected);
  run.clear();
  auto t = clock_type::now();
  bool counters_only = false;
  for (int i = 1; i < argc; ++i)
    counters_only |= std::string(argv[i]) == "--mix=counters";
  for (auto& [name, c] : counters_only ? twenty_counter_segments() : twenty_segments()) {
    auto r = eng.define_segment_sync(name, c);
    if (!r.ok()) {
      std::printf("define_segment %s failed: %s\n", name.c_str(), r.error().message().c_str());
      return 1;
    }
  }
  std::printf("\ndefined 20 segments over %llu users in %.2f s\n", static_cast<unsigned long long>(wo.users),
              seconds_since(t));
  run = make_batches(shop, events, batch, false);
  double with = events / drive(eng, run, window, rejected);
  run.clear();
  // What a sweep of the time-dependent segments costs: let the sweep
  // interval pass, move event time on with a small batch, wait for it.
  // (The counters mix has none.)
  if (!counters_only) {
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
        "a sweep of the time-dependent segments over %llu users: %.0f ms of a shard's time; at one sweep "
        "per %lld s, %.1f%% of it\n",
        static_cast<unsigned long long>(wo.users), sweep_ms,
        static_cast<long long>(eo.segment_sweep_interval.count() / 1000),
        sweep_ms / static_cast<double>(eo.segment_sweep_interval.count()) * 100);
  }
  // Profiles grow with every run, which slows the next a little: measure
  // without segments again after dropping them, and compare with the mean.
  for (auto& [name, c] : counters_only ? twenty_counter_segments() : twenty_segments())
    eng.drop_segment_sync(name);
  run = make_batches(shop, events, batch, false);
  double after = events / drive(eng, run, window, rejected);
  run.clear();
  double baseline = (base + after) / 2;
  std::printf(
      "ingest: %.0f events/s without segments (before) and %.0f (after), %.0f with 20 live segments: "
      "%.1f%% of the mean rate without (cost %.1f%%)\n",
      base, after, with, 100 * with / baseline, 100 * (1 - with / baseline));

  // 3. One k-means iteration: two trainings differing only in iterations.
  int64_t it_a = 0, it_b = 0;
  double a = timed_training(eng, 1, it_a);
  double b = timed_training(eng, 11, it_b);
  if (it_b > it_a)
    std::printf(
        "\nk-means, %llu users, 6 features, k = 8: %d iterations in %.2f s, %d in %.2f s: "
        "%.1f ms per iteration\n",
        static_cast<unsigned long long>(wo.users), static_cast<int>(it_a), a, static_cast<int>(it_b), b,
        1000 * (b - a) / static_cast<double>(it_b - it_a));
  return 0;
}
