#include "tools/eval/propensity_check.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_set>
#include <vector>

#include "tools/loadgen/event_encoding.hpp"
#include "tools/loadgen/shop_simulation.hpp"

namespace persona::eval {

double roc_auc(const std::vector<double>& scores, const std::vector<bool>& labels) {
  std::vector<size_t> order(scores.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney U: the positives' rank sum, ties given their mean rank.
  double rank_sum = 0, positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]])
      ++j;
    double mean_rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;  // ranks from 1
    for (size_t t = i; t < j; ++t)
      if (labels[order[t]]) {
        rank_sum += mean_rank;
        positives += 1;
      }
    i = j;
  }
  double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0)
    return 0.5;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

result<propensity_figures> check_propensity(const propensity_settings& s) {
  auto started = std::chrono::steady_clock::now();
  loadgen::simulation_options so;
  so.users = s.users;
  so.seed = s.seed;
  loadgen::shop_simulation sim(so);
  // Every example and signal counts, however far the item model is behind.
  auto engine_settings = s.engine;
  engine_settings.model_max_waiting_signals = 0;
  engine eng(engine_settings);
  if (auto st = eng.wait_ready(); !st.ok())
    return st;
  // The shop's catalog first, as the load generator registers it: events
  // name their items only, and the catalog gives their categories.
  const uint32_t chunk = 5000;
  for (uint32_t first = 0; first < sim.catalog().options().items; first += chunk) {
    auto r = eng.upsert_items_sync(sim.catalog().upsert_params(first, chunk).as_array()[0]);
    if (!r.ok())
      return r.error();
    if (auto* rejected = r->find("rejected"); rejected && !rejected->as_array().empty())
      return status{error_code::internal, "the engine rejected items of the simulated catalog"};
  }
  int64_t cut = so.start_ms + static_cast<int64_t>(s.days * 86400000.0);
  propensity_figures out;
  std::vector<event> batch;
  std::unordered_set<uint32_t> seen;
  loadgen::sim_event next = sim.next();
  double reported_day = -1;
  for (; next.ts < cut; next = sim.next()) {
    seen.insert(next.user);
    batch.push_back(loadgen::engine_event(next, sim.catalog()));
    ++out.training_events;
    if (batch.size() >= 8192) {
      if (auto r = eng.ingest_sync(std::move(batch)); !r.ok())
        return r.error();
      batch.clear();
      double day = static_cast<double>(next.ts - so.start_ms) / 86400000.0;
      if (s.progress && day >= reported_day + 1) {
        reported_day = day;
        s.progress("simulated day " + std::to_string(static_cast<int>(day)) + " of " +
                   std::to_string(static_cast<int>(s.days)) + ", " + std::to_string(out.training_events) +
                   " events");
      }
    }
  }
  if (!batch.empty())
    if (auto r = eng.ingest_sync(std::move(batch)); !r.ok())
      return r.error();
  batch.clear();
  auto refreshed = eng.refresh_item_model_sync();
  if (!refreshed.ok())
    return refreshed.error();
  // What the engine predicts at the cut, for every shopper seen so far.
  std::vector<uint32_t> users(seen.begin(), seen.end());
  std::sort(users.begin(), users.end());
  std::vector<double> scores;
  value options{value::map{}};
  options.set("now", value{cut});
  for (auto u : users) {
    auto r = eng.predict_sync(loadgen::sim_event::user_id(u), options);
    if (!r.ok())
      return r.error();
    auto* p = r->find("purchase_propensity");
    if (!p || !p->is_number())
      return status{error_code::internal,
                    "the propensity model has not been trained: simulate more days (--propensity-days)"};
    scores.push_back(p->as_double());
  }
  auto stats = eng.stats_sync();
  if (stats.ok())
    if (auto* m = stats->find("item_model"))
      if (auto* ex = m->find("propensity_examples"))
        out.examples = static_cast<uint64_t>(ex->as_double());
  // The truth: who buys within the next day.
  std::unordered_set<uint32_t> buyers;
  for (; next.ts <= cut + 86400000; next = sim.next())
    if (next.type == event_type::purchase)
      buyers.insert(next.user);
  std::vector<bool> labels;
  for (auto u : users)
    labels.push_back(buyers.count(u) > 0);
  out.predicted = users.size();
  out.positives = static_cast<uint64_t>(std::count(labels.begin(), labels.end(), true));
  out.auc = roc_auc(scores, labels);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace persona::eval
