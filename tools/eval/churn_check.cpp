#include "tools/eval/churn_check.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "tools/eval/batch_logistic.hpp"
#include "tools/eval/propensity_check.hpp"

namespace persona::eval {

namespace {

constexpr double ms_per_day = 86400000.0;

struct basket {
  int64_t ts_ms;
  double spend;
};

/// Each user's baskets, earliest first: a basket's time is its first row's.
std::vector<std::vector<basket>> baskets_of(const transaction_table& t) {
  std::vector<std::map<std::string, basket>> by_name(t.user_names.size());
  for (auto& r : t.rows) {
    auto [it, added] = by_name[r.user].emplace(r.basket, basket{r.ts_ms, 0});
    it->second.ts_ms = std::min(it->second.ts_ms, r.ts_ms);
    it->second.spend += r.amount;
  }
  std::vector<std::vector<basket>> out(by_name.size());
  for (size_t u = 0; u < by_name.size(); ++u) {
    for (auto& [name, b] : by_name[u])
      out[u].push_back(b);
    std::sort(out[u].begin(), out[u].end(),
              [](const basket& a, const basket& b) { return a.ts_ms < b.ts_ms; });
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// What the batch regression and the baselines know of a user at the cut.
struct history_at_cut {
  double recency_days = 0, tenure_days = 0, spend = 0;
  size_t baskets = 0;
  std::vector<double> gaps;
  /// The batch regression's inputs: recency, frequency, spend and gaps.
  std::vector<double> features() const {
    double mean_gap = 0, median_gap = 0;
    if (!gaps.empty()) {
      for (double g : gaps)
        mean_gap += g / static_cast<double>(gaps.size());
      median_gap = median(gaps);
    }
    return {std::log1p(recency_days),
            std::log1p(static_cast<double>(baskets)),
            std::log1p(spend),
            std::log1p(tenure_days),
            gaps.empty() ? 0.0 : 1.0,
            std::log1p(mean_gap),
            std::log1p(median_gap),
            gaps.empty() ? 0.0 : std::min(5.0, recency_days / std::max(median_gap, 1.0 / 24))};
  }
};

event purchase_of(const transaction_table& t, const transaction& r) {
  event e;
  e.user = t.user_names[r.user];
  e.type = event_type::purchase;
  e.item = r.item;
  e.ts = r.ts_ms;
  e.price = r.amount / static_cast<double>(r.quantity);
  e.quantity = r.quantity;
  e.present = key_bit(event_key::user) | key_bit(event_key::type) | key_bit(event_key::ts) |
              key_bit(event_key::item) | key_bit(event_key::price) | key_bit(event_key::quantity);
  return e;
}

}  // namespace

result<churn_figures> check_churn(const transaction_table& t, const churn_settings& s) {
  auto started = std::chrono::steady_clock::now();
  churn_figures out;
  // The stream before the cut, in time order, as a shop would send it.
  std::vector<const transaction*> before;
  for (auto& r : t.rows)
    if (r.ts_ms < s.cut_ms)
      before.push_back(&r);
  std::stable_sort(before.begin(), before.end(),
                   [](const transaction* a, const transaction* b) { return a->ts_ms < b->ts_ms; });
  auto options = s.engine;
  options.model_max_waiting_signals = 0;
  engine eng(options);
  if (auto st = eng.wait_ready(); !st.ok())
    return st;
  std::vector<event> batch;
  for (size_t i = 0; i < before.size(); ++i) {
    batch.push_back(purchase_of(t, *before[i]));
    if (batch.size() == 1000 || i + 1 == before.size()) {
      auto r = eng.ingest_sync(std::move(batch));
      batch.clear();
      if (!r.ok())
        return r.error();
      if (auto* rejected = r->find("rejected"))
        out.rejected += rejected->as_array().size();
      if (s.progress && (i + 1) % 20000 < 1000)
        s.progress("replayed " + std::to_string(i + 1) + " of " + std::to_string(before.size()) +
                   " purchases");
    }
  }
  out.events = before.size();
  if (auto r = eng.refresh_item_model_sync(); !r.ok())
    return r.error();
  if (auto stats = eng.stats_sync(); stats.ok())
    if (auto* m = stats->find("item_model"))
      if (auto* ex = m->find("churn_examples"))
        out.examples = static_cast<uint64_t>(ex->as_double());

  auto baskets = baskets_of(t);
  std::vector<double> engine_risk, recency;
  std::vector<bool> churned;
  std::vector<std::vector<double>> features;
  double abs_engine = 0, abs_rule = 0;
  value ask{value::map{}};
  ask.set("now", value{s.cut_ms});
  for (size_t u = 0; u < baskets.size(); ++u) {
    history_at_cut h;
    const basket* next = nullptr;
    for (auto& b : baskets[u]) {
      if (b.ts_ms >= s.cut_ms) {
        next = &b;
        break;
      }
      if (h.baskets > 0)
        h.gaps.push_back(static_cast<double>(b.ts_ms - baskets[u][h.baskets - 1].ts_ms) / ms_per_day);
      h.spend += b.spend;
      ++h.baskets;
    }
    if (h.baskets == 0)
      continue;
    h.recency_days = static_cast<double>(s.cut_ms - baskets[u][h.baskets - 1].ts_ms) / ms_per_day;
    h.tenure_days = static_cast<double>(s.cut_ms - baskets[u][0].ts_ms) / ms_per_day;
    auto r = eng.predict_sync(t.user_names[u], ask);
    if (!r.ok())
      return r.error();
    engine_risk.push_back(r->find("churn_risk")->as_double());
    if (auto* l = r->find("churn_learnt"); l && l->is_bool())
      out.learnt = l->as_bool();
    recency.push_back(h.recency_days);
    churned.push_back(!next || next->ts_ms >= s.cut_ms + s.horizon_ms);
    features.push_back(h.features());
    if (next && !h.gaps.empty()) {
      double truth = static_cast<double>(next->ts_ms - s.cut_ms) / ms_per_day;
      auto* days = r->find("next_purchase_days");
      double said = days && days->is_number() ? days->as_double() : 0.0;
      abs_engine += std::abs(said - truth);
      abs_rule += std::abs(std::max(0.0, median(h.gaps) - h.recency_days) - truth);
      ++out.next_users;
    }
  }
  if (churned.empty())
    return status{error_code::bad_request, "no user has a basket before the cut: choose a later --churn-cut"};
  out.users = churned.size();
  out.churned = static_cast<size_t>(std::count(churned.begin(), churned.end(), true));
  out.auc_engine = roc_auc(engine_risk, churned);
  out.auc_recency = roc_auc(recency, churned);
  out.auc_batch = roc_auc(cross_validated(features, churned, s.folds, s.seed), churned);
  if (out.next_users > 0) {
    out.mae_engine = abs_engine / static_cast<double>(out.next_users);
    out.mae_rule = abs_rule / static_cast<double>(out.next_users);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace persona::eval
