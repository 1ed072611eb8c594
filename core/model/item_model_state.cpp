// The item model builder's state as sections (model_section.hpp): what it
// saves, and loading it back into a fresh builder. Each section lists its
// fields once, for both directions (state_codec.hpp).
#include <algorithm>

#include "core/model/item_model_builder.hpp"
#include "core/model/state_codec.hpp"

namespace persona {

namespace {

/// The format of each section's fields; a section of another format does
/// not load.
constexpr uint32_t state_format = 1;

/// All the names of `index`, in id order.
std::vector<std::string> names_of(const name_index* index) {
  std::vector<std::string> out;
  if (!index)
    return out;
  uint32_t n = index->size();
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    out.push_back(index->name(i));
  return out;
}

/// Interns `names` in order; false when one gets another id than its rank.
bool intern_in_order(const std::vector<std::string>& names, name_index& index) {
  for (uint32_t i = 0; i < names.size(); ++i)
    if (index.intern(names[i]) != i)
      return false;
  return true;
}

template <class F>
bool check_format(F& f) {
  uint32_t format = state_format;
  f(format);
  return format == state_format;
}

}  // namespace

status restore_names(const std::vector<model_section>& sections, name_index& items, name_index& categories,
                     name_index& brands) {
  auto* s = find_section(sections, section_kind::names);
  if (!s)
    return {error_code::bad_request, "the item model file has no names section"};
  state_decoder f(s->bytes);
  std::vector<std::string> item_names, category_names, brand_names;
  bool known = check_format(f);
  f(item_names);
  f(category_names);
  f(brand_names);
  if (!known || !f.ok())
    return {error_code::bad_request, "the item model file's names section does not decode"};
  if (!intern_in_order(item_names, items) || !intern_in_order(category_names, categories) ||
      !intern_in_order(brand_names, brands))
    return {error_code::bad_request,
            "the item model file's names do not take the ids they had (names were interned before it "
            "loaded)"};
  return {};
}

template <class F>
void item_model_builder::inspect_items(F& f) {
  f(as_of_ms_);
  f(version_);
  f(signals_);
  f(learnt_);
  uint64_t n = states_.size();
  f(n);
  if constexpr (F::loading) {
    // Each state takes at least its four numbers, three vector counts and
    // its flag: a larger count is corruption, found before growing.
    constexpr size_t min_state_bytes = 4 * 8 + 3 * 8 + 1;
    if (n > name_index::max_names || n > f.remaining() / min_state_bytes) {
      f.fail();
      return;
    }
    if (n > 0)
      grow(static_cast<uint32_t>(n) - 1);
  }
  for (auto& s : states_) {
    f(s.popularity);
    f(s.popularity_ts);
    f(s.pair_total);
    f(s.pair_ref_ts);
    f(s.pairs.items);
    f(s.pairs.weights);
    f(s.pairs.errors);
    f(s.dirty);
    if constexpr (F::loading) {
      s.meta_hash = 0;
      if (s.pairs.weights.size() != s.pairs.items.size() || s.pairs.errors.size() != s.pairs.items.size())
        f.fail();
    }
  }
  f(meta_);
  if constexpr (F::loading) {
    if (meta_.size() != states_.size())
      f.fail();
    meta_dirty_ = true;
  }
}

template <class F>
void item_model_builder::inspect_factors(F& f) {
  uint32_t dims = cfg_.factors;
  f(dims);
  f(target_);
  f(context_);
  f(bias_);
  std::vector<uint32_t> replayed;
  if constexpr (!F::loading) {
    // The replay ring as flat rows: item, context count, context.
    for (size_t i = 0; i < replay_.size(); ++i) {
      auto& e = replay_.at(i);
      replayed.push_back(e.item);
      replayed.push_back(e.context_count);
      replayed.insert(replayed.end(), e.context.begin(), e.context.end());
    }
  }
  f(replayed);
  uint64_t next = replay_.next();
  f(next);
  f(step_credit_);
  f(mf_steps_);
  f(draws_);
  if constexpr (F::loading) {
    size_t n = states_.size();
    if (dims != cfg_.factors || target_.size() != n * dims || context_.size() != n * dims ||
        bias_.size() != n) {
      f.fail();
      return;
    }
    constexpr size_t row = 2 + item_signal::max_context;
    if (replayed.size() % row != 0) {
      f.fail();
      return;
    }
    std::vector<replay_entry> entries;
    for (size_t i = 0; i < replayed.size(); i += row) {
      replay_entry e{replayed[i], static_cast<uint8_t>(replayed[i + 1]), {}};
      std::copy(replayed.begin() + static_cast<std::ptrdiff_t>(i + 2),
                replayed.begin() + static_cast<std::ptrdiff_t>(i + row), e.context.begin());
      entries.push_back(e);
    }
    replay_.restore(std::move(entries), next);
  }
}

template <class F>
void item_model_builder::inspect_neighbours(F& f) {
  // Per item: the published list as (item, score) pairs; none for an item
  // without one.
  std::vector<std::vector<uint32_t>> items;
  std::vector<std::vector<float>> scores;
  if constexpr (!F::loading) {
    size_t n = last_ ? last_->neighbours.size() : 0;
    items.resize(n);
    scores.resize(n);
    for (size_t i = 0; i < n; ++i)
      if (auto& list = last_->neighbours[i])
        for (auto& x : *list) {
          items[i].push_back(x.item);
          scores[i].push_back(x.score);
        }
  }
  f(items);
  f(scores);
  if constexpr (F::loading) {
    if (items.size() != scores.size() || items.size() > states_.size()) {
      f.fail();
      return;
    }
    auto m = std::make_shared<item_model>();
    m->neighbours.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].size() != scores[i].size()) {
        f.fail();
        return;
      }
      if (items[i].empty())
        continue;
      std::vector<item_neighbour> list;
      for (size_t k = 0; k < items[i].size(); ++k) {
        if (items[i][k] >= states_.size()) {
          f.fail();
          return;
        }
        list.push_back({items[i][k], scores[i][k]});
      }
      m->neighbours[i] = std::make_shared<const std::vector<item_neighbour>>(std::move(list));
    }
    last_ = std::move(m);
  }
}

/// The churn model's fields (churn_model.hpp); a saved model of another
/// size does not load.
template <class F>
void inspect(F& f, churn_model_state& c) {
  size_t n = c.weights.size();
  f(c.mean);
  f(c.m2);
  f(c.weights);
  f(c.squared_gradients);
  f(c.examples);
  f(c.steps);
  f(c.gaps);
  f(c.gap_days);
  if constexpr (F::loading)
    if (c.weights.size() != n || c.squared_gradients.size() != n)
      f.fail();
}

template <class F>
void item_model_builder::inspect_propensity(F& f) {
  f(propensity_);
  f(propensity_replay_);
  f(propensity_examples_);
}

bool item_model_builder::ids_valid() const {
  auto n = static_cast<uint32_t>(states_.size());
  for (auto& s : states_)
    for (auto i : s.pairs.items)
      if (i >= n)
        return false;
  for (size_t i = 0; i < replay_.size(); ++i) {
    auto& e = replay_.at(i);
    if (e.item >= n || e.context_count > item_signal::max_context)
      return false;
    for (size_t r = 0; r < e.context_count; ++r)
      if (e.context[r] >= n)
        return false;
  }
  for (auto& s : waiting_) {
    if (s.item >= name_index::max_names)
      continue;  // skipped when learnt, as when added
    for (size_t r = 0; r < s.context_count; ++r)
      if (s.context[r] >= name_index::max_names)
        return false;
  }
  return true;
}

std::vector<model_section> item_model_builder::save() {
  std::vector<model_section> out;
  auto section = [&](section_kind kind, auto&& fields) {
    state_encoder f;
    check_format(f);
    fields(f);
    out.push_back({kind, f.take()});
  };
  section(section_kind::names, [&](state_encoder& f) {
    auto items = names_of(items_.get()), categories = names_of(categories_.get()),
         brands = names_of(brands_.get());
    f(items);
    f(categories);
    f(brands);
  });
  section(section_kind::items, [&](state_encoder& f) { inspect_items(f); });
  section(section_kind::factors, [&](state_encoder& f) { inspect_factors(f); });
  section(section_kind::propensity, [&](state_encoder& f) { inspect_propensity(f); });
  section(section_kind::neighbours, [&](state_encoder& f) { inspect_neighbours(f); });
  section(section_kind::churn, [&](state_encoder& f) {
    auto churn = churn_.state();
    inspect(f, churn);
  });
  section(section_kind::waiting, [&](state_encoder& f) {
    std::vector<item_signal> signals(waiting_.begin(), waiting_.end());
    f(signals);
  });
  return out;
}

status item_model_builder::load(const std::vector<model_section>& sections) {
  auto read = [&](section_kind kind, const char* what, auto&& fields) -> status {
    auto* s = find_section(sections, kind);
    if (!s)
      return {error_code::bad_request, std::string("the item model file has no ") + what + " section"};
    state_decoder f(s->bytes);
    bool known = check_format(f);
    if (known)
      fields(f);
    if (!known || !f.ok() || f.remaining() != 0)
      return {error_code::bad_request,
              std::string("the item model file's ") + what + " section does not decode"};
    return {};
  };
  if (auto st = read(section_kind::items, "items", [&](state_decoder& f) { inspect_items(f); }); !st.ok())
    return st;
  if (auto st = read(section_kind::factors, "factors", [&](state_decoder& f) { inspect_factors(f); });
      !st.ok())
    return st;
  if (auto st =
          read(section_kind::propensity, "propensity", [&](state_decoder& f) { inspect_propensity(f); });
      !st.ok())
    return st;
  if (auto st =
          read(section_kind::neighbours, "neighbours", [&](state_decoder& f) { inspect_neighbours(f); });
      !st.ok())
    return st;
  if (auto st = read(section_kind::waiting, "waiting signals",
                     [&](state_decoder& f) {
                       std::vector<item_signal> signals;
                       f(signals);
                       waiting_.assign(signals.begin(), signals.end());
                     });
      !st.ok())
    return st;
  // Optional: without it the churn model starts anew.
  if (find_section(sections, section_kind::churn)) {
    churn_model_state churn;
    if (auto st = read(section_kind::churn, "churn", [&](state_decoder& f) { inspect(f, churn); }); !st.ok())
      return st;
    restore_churn(std::move(churn));
  }
  if (!ids_valid())
    return {error_code::bad_request, "the item model file names items past its own item count"};
  if (items_ && states_.size() > items_->size())
    return {error_code::bad_request, "the item model file holds more items than its names section"};
  unpublished_ = 0;
  learnt_unpublished_ = 1;  // the first version holds the loaded state
  return {};
}

}  // namespace persona
