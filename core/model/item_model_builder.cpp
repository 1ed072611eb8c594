#include "core/model/item_model_builder.hpp"

#include <algorithm>
#include <cmath>

#include "core/util/prefetch.hpp"
#include "core/util/top_k.hpp"

namespace persona {

namespace {

double decay(int64_t dt_ms, double half_life_days) {
  return std::exp2(-static_cast<double>(dt_ms) / (half_life_days * 86400000.0));
}

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

}  // namespace

item_model_builder::item_model_builder(item_model_config cfg, std::shared_ptr<const name_index> items,
                                       std::shared_ptr<const name_index> categories,
                                       std::shared_ptr<const name_index> brands)
    : cfg_(cfg),
      items_(std::move(items)),
      categories_(std::move(categories)),
      brands_(std::move(brands)),
      rng_(cfg.seed),
      propensity_(cfg.propensity_pairwise, cfg.propensity_learning_rate, cfg.propensity_l2) {}

void item_model_builder::grow(uint32_t item) {
  if (item < states_.size())
    return;
  size_t n = item + 1;
  states_.resize(n);
  meta_.resize(n);
  size_t dims = cfg_.factors;
  std::normal_distribution<float> init(0.0f, 0.1f);
  size_t old = bias_.size();
  target_.resize(n * dims);
  context_.resize(n * dims);
  bias_.resize(n, 0.0f);
  for (size_t i = old * dims; i < n * dims; ++i) {
    target_[i] = init(rng_);
    context_[i] = init(rng_);
  }
}

void item_model_builder::add_popularity(item_state& s, float weight, int64_t ts) {
  double h = cfg_.popularity_half_life_days;
  if (s.popularity == 0 || ts >= s.popularity_ts) {
    s.popularity = s.popularity * decay(ts - s.popularity_ts, h) + weight;
    s.popularity_ts = ts;
  } else {
    s.popularity += weight * decay(s.popularity_ts - ts, h);
  }
}

double item_model_builder::pair_decay(const item_state& s, int64_t ts) const {
  double h = cfg_.cooccurrence_half_life_days;
  return h > 0 ? decay(ts - s.pair_ref_ts, h) : 1.0;
}

void item_model_builder::add_pair(uint32_t from, uint32_t to, float weight, int64_t ts) {
  auto& s = states_[from];
  if (cfg_.cooccurrence_half_life_days > 0) {
    if (s.pair_total == 0)
      s.pair_ref_ts = ts;
    // Weights are kept valued at the reference time: a newer pair weighs
    // more there. Past a factor of 2^20 the item is revalued at `ts`.
    double grow = 1.0 / decay(ts - s.pair_ref_ts, cfg_.cooccurrence_half_life_days);
    if (grow > 1048576.0) {
      double shrink = 1.0 / grow;
      for (auto& w : s.pairs.weights)
        w = static_cast<float>(w * shrink);
      for (auto& e : s.pairs.errors)
        e = static_cast<float>(e * shrink);
      s.pair_total *= shrink;
      s.pair_ref_ts = ts;
      grow = 1;
    }
    weight = static_cast<float>(weight * grow);
  }
  s.pair_total += weight;
  s.dirty = true;
  auto& p = s.pairs;
  auto found = std::find(p.items.begin(), p.items.end(), to);
  if (found != p.items.end()) {
    p.weights[static_cast<size_t>(found - p.items.begin())] += weight;
    return;
  }
  if (p.items.size() < cfg_.neighbour_capacity) {
    p.items.push_back(to);
    p.weights.push_back(weight);
    p.errors.push_back(0.0f);
    return;
  }
  // Space-saving: the newcomer takes the weakest counter's place and count,
  // remembered as its possible overestimate.
  auto weakest =
      static_cast<size_t>(std::min_element(p.weights.begin(), p.weights.end()) - p.weights.begin());
  p.items[weakest] = to;
  p.errors[weakest] = p.weights[weakest];
  p.weights[weakest] += weight;
}

void item_model_builder::set_meta(const item_signal& s) {
  uint32_t h = 2166136261u ^ s.brand;
  for (size_t i = 0; i < s.category_count; ++i)
    h = (h ^ s.categories[i]) * 16777619u;
  h = (h ^ s.category_count) * 16777619u | 1;  // never 0, the unset value
  auto& state = states_[s.item];
  if (state.meta_hash == h)
    return;
  state.meta_hash = h;
  auto& m = meta_[s.item];
  if (m.brand == s.brand && m.categories.size() == s.category_count &&
      std::equal(m.categories.begin(), m.categories.end(), s.categories.begin()))
    return;
  if (s.category_count == 0 && s.brand == name_index::npos)
    return;  // the signal knows nothing of the item: keep what is known
  m.categories.assign(s.categories.begin(), s.categories.begin() + s.category_count);
  m.brand = s.brand;
  meta_dirty_ = true;
}

uint64_t item_model_builder::add(const model_batch& batch, uint64_t learn_now, uint64_t max_waiting) {
  uint64_t set_aside = 0;
  if (!batch.signals.empty() && (unpublished_ == 0 || batch.collected_ns < oldest_unpublished_ns_))
    oldest_unpublished_ns_ = batch.collected_ns;
  // Item states are touched in no particular order: ask for a few
  // signals' states ahead, so their cache misses overlap.
  constexpr size_t ahead = 8;
  auto& signals = batch.signals;
  for (size_t i = 0; i < signals.size(); ++i) {
    if (i + ahead < signals.size() && signals[i + ahead].item < states_.size()) {
      auto& next = states_[signals[i + ahead].item];
      prefetch_line(&next.popularity);
      prefetch_line(&next.meta_hash);
    }
    auto& s = signals[i];
    if (s.item >= name_index::max_names) {
      ++set_aside;
      continue;
    }
    grow(s.item);
    for (size_t r = 0; r < s.context_count; ++r)
      grow(s.context[r]);
    set_meta(s);
    add_popularity(states_[s.item], s.weight, s.ts_ms);
    as_of_ms_ = std::max(as_of_ms_, s.ts_ms);
    ++signals_;
    ++unpublished_;
    if (waiting_.size() < max_waiting)
      waiting_.push_back(s);
    else
      ++set_aside;
  }
  for (auto& ex : batch.examples)
    learn_propensity(ex);
  for (auto& ex : batch.churn_examples)
    churn_.learn(ex);
  learn(learn_now);
  return set_aside;
}

uint64_t item_model_builder::learn(uint64_t max) {
  uint64_t n = std::min<uint64_t>(max, waiting_.size());
  for (uint64_t i = 0; i < n; ++i) {
    learn_one(waiting_.front());
    waiting_.pop_front();
  }
  learnt_unpublished_ += n;
  return n;
}

void item_model_builder::learn_one(const item_signal& s) {
  ++learnt_;
  size_t pairs = std::min<size_t>(s.context_count, cfg_.pair_context);
  for (size_t r = 0; r < pairs; ++r) {
    float w = s.weight / static_cast<float>(1 + r);
    add_pair(s.item, s.context[r], w, s.ts_ms);
    add_pair(s.context[r], s.item, w, s.ts_ms);
  }
  if (s.context_count == 0 || cfg_.factors == 0)
    return;
  replay_entry e{s.item, s.context_count, s.context};
  replay_.add(e);
  // The new signal itself, then steps drawn from the recent ones.
  train_step(e);
  step_credit_ += cfg_.mf_steps_per_signal - 1;
  for (; step_credit_ >= 1 && !replay_.empty(); step_credit_ -= 1)
    train_step(replay_.draw(draws_));
}

void item_model_builder::learn_propensity(const labelled_example& ex) {
  propensity_.observe(ex.x);
  propensity_.update(ex.x, ex.label);
  ++propensity_examples_;
  propensity_replay_.add(ex);
  for (uint32_t k = 0; k < cfg_.propensity_replay_steps && !propensity_replay_.empty(); ++k) {
    auto& again = propensity_replay_.draw(draws_);
    propensity_.update(again.x, again.label);
  }
}

void item_model_builder::train_step(const replay_entry& e) {
  size_t dims = cfg_.factors;
  size_t n = bias_.size();
  if (n < 2)
    return;
  uint32_t neg = static_cast<uint32_t>(draws_.next() % n);
  for (int tries = 0; tries < 4 && (neg == e.item || states_[neg].popularity == 0); ++tries)
    neg = static_cast<uint32_t>(draws_.next() % n);
  if (neg == e.item)
    return;
  // The user: the decayed mean of the context items' factors.
  float user[256];
  dims = std::min<size_t>(dims, 256);
  std::fill(user, user + dims, 0.0f);
  float norm = 0, w = 1;
  float weights[item_signal::max_context];
  for (size_t r = 0; r < e.context_count; ++r, w *= static_cast<float>(cfg_.history_decay)) {
    weights[r] = w;
    norm += w;
  }
  for (size_t r = 0; r < e.context_count; ++r) {
    const float* c = &context_[e.context[r] * dims];
    for (size_t d = 0; d < dims; ++d)
      user[d] += weights[r] / norm * c[d];
  }
  float* qi = &target_[e.item * dims];
  float* qk = &target_[neg * dims];
  double x = bias_[e.item] - bias_[neg];
  for (size_t d = 0; d < dims; ++d)
    x += user[d] * (qi[d] - qk[d]);
  float g = static_cast<float>(sigmoid(-x));
  float lr = cfg_.mf_learning_rate, reg = cfg_.mf_regularization;
  for (size_t r = 0; r < e.context_count; ++r) {
    float* c = &context_[e.context[r] * dims];
    float scale = g * weights[r] / norm;
    for (size_t d = 0; d < dims; ++d)
      c[d] += lr * (scale * (qi[d] - qk[d]) - reg * c[d]);
  }
  for (size_t d = 0; d < dims; ++d) {
    float a = qi[d], b = qk[d];
    qi[d] += lr * (g * user[d] - reg * a);
    qk[d] += lr * (-g * user[d] - reg * b);
  }
  bias_[e.item] += lr * (g - reg * bias_[e.item]);
  bias_[neg] += lr * (-g - reg * bias_[neg]);
  ++mf_steps_;
}

std::vector<double> item_model_builder::pair_totals_now() const {
  std::vector<double> totals(states_.size());
  for (size_t i = 0; i < states_.size(); ++i)
    totals[i] = states_[i].pair_total * pair_decay(states_[i], as_of_ms_);
  return totals;
}

std::vector<item_neighbour> item_model_builder::neighbours_of(uint32_t item,
                                                              const std::vector<double>& totals) const {
  auto& s = states_[item];
  std::vector<item_neighbour> out;
  auto& p = s.pairs;
  out.reserve(p.items.size());
  double own = pair_decay(s, as_of_ms_);
  for (size_t k = 0; k < p.items.size(); ++k) {
    double norm = std::sqrt(totals[item] * totals[p.items[k]]) + cfg_.similarity_shrink;
    // The guaranteed part of the weight: a newcomer's inherited count is not its own.
    double weight = static_cast<double>(p.weights[k]) - p.errors[k];
    if (weight <= 0)
      continue;
    out.push_back({p.items[k], static_cast<float>(weight * own / norm)});
  }
  auto better = [](const item_neighbour& a, const item_neighbour& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  if (out.size() > cfg_.neighbours_kept) {
    std::nth_element(out.begin(), out.begin() + cfg_.neighbours_kept, out.end(), better);
    out.resize(cfg_.neighbours_kept);
  }
  std::sort(out.begin(), out.end(), better);
  return out;
}

std::shared_ptr<const item_model> item_model_builder::publish(bool with_factors, int64_t now_ns,
                                                              bool with_neighbours) {
  auto m = std::make_shared<item_model>();
  m->version = ++version_;
  m->as_of_ms = as_of_ms_;
  m->items = items_;
  m->categories = categories_;
  m->brands = brands_;
  size_t n = states_.size();

  m->popularity.resize(n);
  std::vector<uint32_t> known;
  known.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto& s = states_[i];
    m->popularity[i] =
        static_cast<float>(s.popularity * decay(as_of_ms_ - s.popularity_ts, cfg_.popularity_half_life_days));
    if (s.popularity > 0)
      known.push_back(static_cast<uint32_t>(i));
  }
  auto pop = [&](uint32_t i) { return m->popularity[i]; };
  m->popular = top_k_ids(known, cfg_.popular_top, pop);
  std::vector<std::vector<uint32_t>> by_category(categories_ ? categories_->size() : 0);
  for (auto i : known)
    for (auto c : meta_[i].categories)
      if (c < by_category.size())
        by_category[c].push_back(i);
  m->popular_in.resize(by_category.size());
  for (size_t c = 0; c < by_category.size(); ++c)
    m->popular_in[c] = top_k_ids(std::move(by_category[c]), cfg_.popular_top, pop);

  if (meta_dirty_ || !last_ || !last_->meta) {
    m->meta = std::make_shared<const std::vector<item_meta>>(meta_);
    meta_dirty_ = false;
  } else {
    m->meta = last_->meta;
  }

  m->neighbours.resize(n);
  std::vector<double> totals;
  if (with_neighbours)
    totals = pair_totals_now();
  for (size_t i = 0; i < n; ++i) {
    auto& s = states_[i];
    if (s.dirty && with_neighbours) {
      m->neighbours[i] = std::make_shared<const std::vector<item_neighbour>>(
          neighbours_of(static_cast<uint32_t>(i), totals));
      s.dirty = false;
    } else if (last_ && i < last_->neighbours.size()) {
      m->neighbours[i] = last_->neighbours[i];
    }
  }

  if (with_factors && mf_steps_ > 0 && cfg_.factors > 0) {
    auto f = std::make_shared<item_factors>();
    f->dims = cfg_.factors;
    f->items = static_cast<uint32_t>(bias_.size());
    f->target = target_;
    f->context = context_;
    f->bias = bias_;
    m->factors = std::move(f);
  } else if (last_) {
    m->factors = last_->factors;
  }

  if (propensity_examples_ > 0)
    m->propensity = std::make_shared<const propensity_scorer>(propensity_.scorer());
  m->propensity_examples = propensity_examples_;
  if (churn_.examples() > 0)
    m->churn = std::make_shared<const churn_scorer>(churn_.scorer());
  m->churn_examples = churn_.examples();
  m->signals = signals_;
  m->waiting = waiting_.size();
  m->learnt = learnt_;
  m->published_ns = now_ns;
  m->lag_ms = unpublished_ > 0 ? static_cast<double>(now_ns - oldest_unpublished_ns_) / 1e6 : 0.0;
  unpublished_ = 0;
  learnt_unpublished_ = 0;
  last_ = m;
  return m;
}

}  // namespace persona
