#include "core/model/recommender.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace persona {

namespace {

/// Candidates each strategy contributes to `auto`, at most.
constexpr size_t blend_pool = 200;
/// A user's top categories the content strategy draws from.
constexpr size_t content_categories = 5;

struct candidate {
  double score = 0;
  /// The item of the user's history that contributed most (item_cf).
  uint32_t because = name_index::npos;
  double best_part = 0;
};

using candidates = std::unordered_map<uint32_t, candidate>;

struct context {
  const item_model& model;
  const user_taste& taste;
  const recommend_request& request;
  const item_model_config& cfg;

  bool allowed(uint32_t item) const {
    if (request.exclude_seen && taste.has_seen(item))
      return false;
    if (request.category != name_index::npos && !model.in_category(item, request.category))
      return false;
    return true;
  }
  const std::string& item_name(uint32_t id) const { return model.items->name(id); }
  std::string category_name(uint32_t id) const {
    return model.categories && id < model.categories->size() ? model.categories->name(id) : std::string();
  }
  const std::vector<uint32_t>& popular_list() const {
    if (request.category != name_index::npos)
      return request.category < model.popular_in.size() ? model.popular_in[request.category] : empty;
    return model.popular;
  }
  static inline const std::vector<uint32_t> empty{};
};

/// The best `k` of `scored`, best first (ties: smaller id).
std::vector<std::pair<uint32_t, double>> best(const candidates& scored, size_t k) {
  std::vector<std::pair<uint32_t, double>> out;
  out.reserve(scored.size());
  for (auto& [item, c] : scored)
    out.emplace_back(item, c.score);
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (out.size() > k) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), better);
    out.resize(k);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

std::string popular_reason(const context& cx) {
  if (cx.request.category != name_index::npos)
    return "popular in " + cx.category_name(cx.request.category) + " this week";
  return "popular this week";
}

candidates popular_candidates(const context& cx, size_t n) {
  candidates out;
  for (auto item : cx.popular_list()) {
    if (out.size() >= n)
      break;
    if (cx.allowed(item))
      out[item].score = cx.model.popularity_of(item);
  }
  return out;
}

candidates item_cf_candidates(const context& cx) {
  candidates out;
  double w = 1;
  size_t n = std::min<size_t>(cx.taste.recent.size(), cx.cfg.history_items);
  for (size_t r = 0; r < n; ++r, w *= cx.cfg.history_decay) {
    uint32_t from = cx.taste.recent[r].item;
    auto* list = cx.model.neighbours_of(from);
    if (!list)
      continue;
    for (auto& nb : *list) {
      if (!cx.allowed(nb.item))
        continue;
      double part = w * nb.score;
      auto& c = out[nb.item];
      c.score += part;
      if (part > c.best_part) {
        c.best_part = part;
        c.because = from;
      }
    }
  }
  return out;
}

/// The user's affinity for `item`: shares of its categories and brand.
double affinity_of(const context& cx, uint32_t item, uint32_t* best_category) {
  auto* meta = cx.model.meta_of(item);
  if (!meta)
    return 0;
  double sum = 0, best = 0;
  for (auto c : meta->categories)
    for (auto& [id, share] : cx.taste.categories)
      if (id == c) {
        sum += share;
        if (share > best && best_category) {
          best = share;
          *best_category = c;
        }
      }
  for (auto& [id, share] : cx.taste.brands)
    if (id == meta->brand)
      sum += share;
  return sum;
}

candidates content_candidates(const context& cx, size_t per_category) {
  candidates out;
  size_t used = 0;
  for (auto& [category, share] : cx.taste.categories) {
    if (used++ >= content_categories)
      break;
    if (cx.request.category != name_index::npos && category != cx.request.category)
      continue;
    if (category >= cx.model.popular_in.size())
      continue;
    size_t taken = 0;
    for (auto item : cx.model.popular_in[category]) {
      if (taken >= per_category)
        break;
      if (!cx.allowed(item) || out.count(item))
        continue;
      ++taken;
      out[item].score = affinity_of(cx, item, nullptr) * cx.model.popularity_of(item);
    }
  }
  return out;
}

/// The user folded into the factor space: the decayed mean of their recent
/// items' context factors. Empty when no recent item has factors.
std::vector<float> fold_in(const context& cx, const item_factors& f) {
  std::vector<float> user(f.dims, 0.0f);
  double w = 1, norm = 0;
  size_t n = std::min<size_t>(cx.taste.recent.size(), cx.cfg.history_items);
  for (size_t r = 0; r < n; ++r, w *= cx.cfg.history_decay) {
    uint32_t item = cx.taste.recent[r].item;
    if (item >= f.items)
      continue;
    Eigen::Map<Eigen::VectorXf>(user.data(), f.dims) +=
        static_cast<float>(w) * Eigen::Map<const Eigen::VectorXf>(&f.context[size_t{item} * f.dims], f.dims);
    norm += w;
  }
  if (norm == 0)
    return {};
  for (auto& x : user)
    x = static_cast<float>(x / norm);
  return user;
}

double mf_score(const item_factors& f, const std::vector<float>& user, uint32_t item) {
  if (item >= f.items)
    return 0;
  return f.bias[item] + Eigen::Map<const Eigen::VectorXf>(&f.target[size_t{item} * f.dims], f.dims)
                            .dot(Eigen::Map<const Eigen::VectorXf>(user.data(), f.dims));
}

candidates mf_candidates(const context& cx, size_t n) {
  candidates out;
  auto& f = cx.model.factors;
  if (!f)
    return out;
  auto user = fold_in(cx, *f);
  if (user.empty())
    return out;
  Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> target(
      f->target.data(), f->items, f->dims);
  Eigen::VectorXf scores = target * Eigen::Map<const Eigen::VectorXf>(user.data(), f->dims);
  scores += Eigen::Map<const Eigen::VectorXf>(f->bias.data(), f->items);
  // Only items the model has seen interactions with are recommended.
  std::vector<std::pair<uint32_t, double>> all;
  all.reserve(f->items);
  for (uint32_t i = 0; i < f->items; ++i)
    if (cx.model.popularity_of(i) > 0 && cx.allowed(i))
      all.emplace_back(i, scores[i]);
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (all.size() > n) {
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), better);
    all.resize(n);
  }
  for (auto& [item, s] : all)
    out[item].score = s;
  return out;
}

recommendation answer(const context& cx, rec_strategy used, const candidates& scored,
                      const std::function<std::string(uint32_t, const candidate&)>& reason) {
  recommendation out;
  out.strategy = used;
  for (auto& [item, score] : best(scored, cx.request.k))
    out.items.push_back({item, score, reason(item, scored.at(item))});
  return out;
}

recommendation popular(const context& cx) {
  auto scored = popular_candidates(cx, cx.request.k);
  auto why = popular_reason(cx);
  return answer(cx, rec_strategy::popular, scored, [&](uint32_t, const candidate&) { return why; });
}

std::string content_reason(const context& cx, uint32_t item) {
  uint32_t category = name_index::npos;
  affinity_of(cx, item, &category);
  if (category == name_index::npos)
    return "popular with shoppers like you";
  return "popular in " + cx.category_name(category) + ", which you like";
}

recommendation content(const context& cx) {
  auto scored = content_candidates(cx, std::max<size_t>(cx.request.k * 4, 50));
  return answer(cx, rec_strategy::content, scored,
                [&](uint32_t item, const candidate&) { return content_reason(cx, item); });
}

std::string item_cf_reason(const context& cx, const candidate& c) {
  if (c.because == name_index::npos)
    return "often chosen with items you viewed";
  return "often chosen with " + cx.item_name(c.because);
}

/// Scales a strategy's scores to [0, 1] by its best (min-max for factors).
void normalize(candidates& scored, bool min_max) {
  if (scored.empty())
    return;
  double hi = -1e300, lo = 1e300;
  for (auto& [item, c] : scored) {
    hi = std::max(hi, c.score);
    lo = std::min(lo, c.score);
  }
  for (auto& [item, c] : scored) {
    if (min_max)
      c.score = hi > lo ? (c.score - lo) / (hi - lo) : 1.0;
    else
      c.score = hi > 0 ? c.score / hi : 0.0;
  }
}

recommendation blend(const context& cx) {
  auto& w = cx.cfg.blend;
  auto cf = item_cf_candidates(cx);
  if (cf.size() > blend_pool) {
    // Only item_cf's best go on: the rest could not reach the top k.
    candidates kept;
    for (auto& [item, score] : best(cf, blend_pool))
      kept[item] = cf.at(item);
    cf = std::move(kept);
  }
  auto pop = popular_candidates(cx, blend_pool / 2);
  auto cont = content_candidates(cx, blend_pool / 2 / content_categories);
  // Every candidate is scored by every strategy, not only the one that
  // proposed it; the factors score the pool only (a scan of every item
  // is `mf`'s, not auto's: it would cost auto its latency bound).
  candidates pool;
  for (auto* part : {&cf, &pop, &cont})
    for (auto& [item, c] : *part)
      pool[item];
  double top_pop = 0;
  for (auto& [item, c] : pool)
    top_pop = std::max<double>(top_pop, cx.model.popularity_of(item));
  auto& f = cx.model.factors;
  std::vector<float> user;
  if (w.mf > 0 && f)
    user = fold_in(cx, *f);
  candidates mf_all, content_all;
  for (auto& [item, c] : pool) {
    if (!user.empty())
      mf_all[item].score = mf_score(*f, user, item);
    content_all[item].score = affinity_of(cx, item, nullptr) * cx.model.popularity_of(item);
  }
  normalize(cf, false);
  normalize(mf_all, true);
  normalize(content_all, false);
  // Which part weighed most, for the reason.
  enum part { by_cf, by_mf, by_content, by_popular };
  std::unordered_map<uint32_t, part> why;
  for (auto& [item, c] : pool) {
    double parts[4] = {0, 0, 0, 0};
    if (auto it = cf.find(item); it != cf.end()) {
      parts[by_cf] = w.item_cf * it->second.score;
      c.because = it->second.because;
    }
    if (auto it = mf_all.find(item); it != mf_all.end())
      parts[by_mf] = w.mf * it->second.score;
    parts[by_content] = w.content * content_all[item].score;
    parts[by_popular] = top_pop > 0 ? w.popular * cx.model.popularity_of(item) / top_pop : 0;
    c.score = parts[0] + parts[1] + parts[2] + parts[3];
    why[item] = static_cast<part>(std::max_element(parts, parts + 4) - parts);
  }
  return answer(cx, rec_strategy::automatic, pool, [&](uint32_t item, const candidate& c) {
    switch (why[item]) {
      case by_cf:
        return item_cf_reason(cx, c);
      case by_mf:
        return std::string("users with your taste chose it");
      case by_content:
        return content_reason(cx, item);
      case by_popular:
        break;
    }
    return popular_reason(cx);
  });
}

}  // namespace

const char* to_string(rec_strategy s) {
  switch (s) {
    case rec_strategy::automatic:
      return "auto";
    case rec_strategy::popular:
      return "popular";
    case rec_strategy::item_cf:
      return "item_cf";
    case rec_strategy::content:
      return "content";
    case rec_strategy::mf:
      return "mf";
  }
  return "auto";
}

std::optional<rec_strategy> rec_strategy_from_string(const std::string& name) {
  for (auto s : {rec_strategy::automatic, rec_strategy::popular, rec_strategy::item_cf, rec_strategy::content,
                 rec_strategy::mf})
    if (name == to_string(s))
      return s;
  return std::nullopt;
}

recommendation recommend(const item_model& model, const user_taste& taste, const recommend_request& request,
                         const item_model_config& cfg) {
  context cx{model, taste, request, cfg};
  if (request.k == 0)
    return recommendation{request.strategy, {}};
  switch (request.strategy) {
    case rec_strategy::popular:
      return popular(cx);
    case rec_strategy::content:
      return content(cx);
    case rec_strategy::item_cf: {
      auto scored = item_cf_candidates(cx);
      return answer(cx, rec_strategy::item_cf, scored,
                    [&](uint32_t, const candidate& c) { return item_cf_reason(cx, c); });
    }
    case rec_strategy::mf: {
      auto scored = mf_candidates(cx, request.k);
      return answer(cx, rec_strategy::mf, scored,
                    [](uint32_t, const candidate&) { return std::string("users with your taste chose it"); });
    }
    case rec_strategy::automatic:
      break;
  }
  // Cold start: no history to go by.
  if (taste.recent.empty()) {
    if (!taste.categories.empty()) {
      auto r = content(cx);
      if (r.items.size() >= request.k)
        return r;
    }
    return popular(cx);
  }
  return blend(cx);
}

value to_value(const recommendation& r, const item_model& model) {
  value::array items;
  for (auto& it : r.items) {
    value entry{value::map{}};
    entry.set("item", value{model.items->name(it.item)});
    entry.set("score", value{it.score});
    entry.set("reason", value{it.reason});
    items.push_back(std::move(entry));
  }
  value out{value::map{}};
  out.set("strategy", value{std::string(to_string(r.strategy))});
  out.set("items", value{std::move(items)});
  return out;
}

std::vector<item_neighbour> similar_items(const item_model& model, uint32_t item, size_t k) {
  auto* list = model.neighbours_of(item);
  if (!list)
    return {};
  return std::vector<item_neighbour>(list->begin(),
                                     list->begin() + static_cast<std::ptrdiff_t>(std::min(k, list->size())));
}

}  // namespace persona
