#include "tools/eval/engine_replay.hpp"

#include <chrono>

#include "tools/eval/replay_values.hpp"

namespace persona::eval {

namespace {

using clock_type = std::chrono::steady_clock;

status flush(engine& eng, std::vector<event>& batch) {
  if (batch.empty())
    return {};
  auto r = eng.ingest_sync(std::move(batch));
  batch.clear();
  if (!r.ok())
    return r.error();
  if (auto* rejected = r->find("rejected"); rejected && !rejected->as_array().empty())
    return {error_code::internal,
            "the engine rejected an interaction: " + rejected->as_array()[0].find("message")->as_string()};
  return {};
}

}  // namespace

result<replay_figures> replay(const dataset& d, const evaluation_split& split, const replay_settings& s) {
  auto started = clock_type::now();
  // A replay runs years a minute: every signal counts, however far the
  // item model is behind.
  auto options = s.engine;
  options.model_max_waiting_signals = 0;
  engine eng(options);
  if (auto st = eng.wait_ready(); !st.ok())
    return st;
  auto items = catalog_value(d);
  if (!items.as_array().empty())
    if (auto r = eng.upsert_items_sync(items); !r.ok())
      return r.error();

  auto metrics = metrics_by_strategy(split, s.phase, s.strategies);

  replay_figures out;
  std::vector<event> batch;
  std::vector<size_t> targets;
  double total_ms = 0;
  size_t calls = 0;
  // Asks every strategy for the held-out interaction `i`'s user.
  auto ask = [&](size_t i) -> status {
    auto& x = split.ordered[i];
    for (auto strategy : s.strategies) {
      auto t = clock_type::now();
      auto r = eng.recommend_sync(d.user_names[x.user], s.k, recommend_options(strategy, x.ts_ms));
      double ms = std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
      total_ms += ms;
      ++calls;
      out.recommend_max_ms = std::max(out.recommend_max_ms, ms);
      if (!r.ok())
        return r.error();
      metrics.at(to_string(strategy)).add(ranked_items(d, *r), x.item);
    }
    return {};
  };
  for (size_t i = 0; i < split.ordered.size(); ++i) {
    if (s.progress && i % 10000 == 0)
      s.progress(i, split.ordered.size());
    auto& x = split.ordered[i];
    if (split.role[i] < s.phase) {
      batch.push_back(to_event(d, x));
      if (batch.size() >= 4096)
        if (auto st = flush(eng, batch); !st.ok())
          return st;
      continue;
    }
    if (split.role[i] != s.phase)
      continue;  // a later phase's interaction: never told
    if (s.ask_at_end) {
      targets.push_back(i);
      continue;
    }
    if (auto st = flush(eng, batch); !st.ok())
      return st;
    if (auto r = eng.refresh_item_model_sync(); !r.ok())
      return r.error();
    if (auto st = ask(i); !st.ok())
      return st;
  }
  if (auto st = flush(eng, batch); !st.ok())
    return st;
  if (auto r = eng.refresh_item_model_sync(); !r.ok())
    return r.error();
  for (auto i : targets)
    if (auto st = ask(i); !st.ok())
      return st;
  if (s.progress)
    s.progress(split.ordered.size(), split.ordered.size());
  for (auto& [name, m] : metrics)
    out.by_strategy[name] = m.figures();
  out.seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  out.recommend_mean_ms = calls ? total_ms / static_cast<double>(calls) : 0;
  return out;
}

}  // namespace persona::eval
