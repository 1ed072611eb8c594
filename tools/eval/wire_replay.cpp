#include "tools/eval/wire_replay.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "net/client.hpp"
#include "tools/eval/replay_values.hpp"

namespace persona::eval {

namespace {

using clock_type = std::chrono::steady_clock;

/// Sends the training stream in pipelined ingest calls; the first error.
status send_stream(net::client& c, const dataset& d, const evaluation_split& split, const wire_settings& s) {
  std::mutex mu;
  std::condition_variable cv;
  size_t pending = 0;
  status failed;
  auto send = [&](value::array batch) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return pending < s.in_flight; });
    ++pending;
    lock.unlock();
    c.call("ingest", value{value::array{value{std::move(batch)}}}, [&](result<value> r) {
      std::lock_guard<std::mutex> guard(mu);
      --pending;
      if (!r.ok() && failed.ok())
        failed = r.error();
      else if (r.ok())
        if (auto* rejected = r->find("rejected"); rejected && !rejected->as_array().empty() && failed.ok())
          failed = {error_code::internal, "the node rejected an interaction: " +
                                              rejected->as_array()[0].find("message")->as_string()};
      cv.notify_all();
    });
  };
  value::array batch;
  for (size_t i = 0; i < split.ordered.size(); ++i) {
    if (split.role[i] >= s.phase)
      continue;
    batch.push_back(event_value(d, split.ordered[i]));
    if (batch.size() >= s.batch_events)
      send(std::exchange(batch, value::array{}));
  }
  if (!batch.empty())
    send(std::move(batch));
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return pending == 0; });
  return failed;
}

uint64_t count_of(const value& m, const char* key) {
  auto* v = m.find(key);
  return v && v->is_integer() ? static_cast<uint64_t>(v->as_int()) : 0;
}

/// Polls stats until the item model says it caught up three times in a
/// row with the same signal count (signals a shard collected in its last
/// few ms are not counted as waiting yet).
status wait_caught_up(net::client& c, const wire_settings& s, wire_figures& out) {
  auto deadline = clock_type::now() + s.catch_up_timeout;
  int in_a_row = 0;
  uint64_t last_signals = UINT64_MAX;
  while (clock_type::now() < deadline) {
    auto stats = c.call_sync("stats", value{value::array{}});
    if (!stats.ok() && stats.error().code() != error_code::unavailable)
      return stats.error();
    const value* model = stats.ok() ? stats->find("item_model") : nullptr;
    auto* caught = model ? model->find("caught_up") : nullptr;
    if (caught && caught->is_bool() && caught->as_bool()) {
      uint64_t signals = count_of(*model, "signals");
      in_a_row = signals == last_signals ? in_a_row + 1 : 1;
      last_signals = signals;
      if (in_a_row >= 3) {
        out.signals = signals;
        out.learnt = count_of(*model, "learnt");
        out.dropped = count_of(*model, "dropped_signals");
        return {};
      }
    } else {
      in_a_row = 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return {error_code::timeout, "the node's item model did not catch up within the timeout"};
}

}  // namespace

result<wire_figures> replay_over_wire(const dataset& d, const evaluation_split& split,
                                      const wire_settings& s) {
  wire_figures out;
  auto started = clock_type::now();
  net::client c;
  if (auto st = c.connect(s.host, s.port); !st.ok())
    return st;
  if (s.ingest) {
    auto items = catalog_value(d);
    if (!items.as_array().empty())
      if (auto r = c.call_sync("upsert_items", value{value::array{items}}); !r.ok())
        return r.error();
    if (auto st = send_stream(c, d, split, s); !st.ok())
      return st;
  }
  auto sent = clock_type::now();
  out.ingest_seconds = std::chrono::duration<double>(sent - started).count();
  if (auto st = wait_caught_up(c, s, out); !st.ok())
    return st;
  out.catch_up_seconds = std::chrono::duration<double>(clock_type::now() - sent).count();

  auto metrics = metrics_by_strategy(split, s.phase, s.strategies);
  double total_ms = 0;
  size_t calls = 0;
  auto& targets = s.phase == 1 ? split.validation : split.test;
  for (auto& x : targets) {
    for (auto strategy : s.strategies) {
      auto t = clock_type::now();
      auto r = c.call_sync("recommend",
                           value{value::array{value{d.user_names[x.user]}, value{static_cast<uint64_t>(s.k)},
                                              recommend_options(strategy, x.ts_ms)}});
      double ms = std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
      total_ms += ms;
      ++calls;
      out.figures.recommend_max_ms = std::max(out.figures.recommend_max_ms, ms);
      if (!r.ok())
        return r.error();
      metrics.at(to_string(strategy)).add(ranked_items(d, *r), x.item);
    }
  }
  for (auto& [name, m] : metrics)
    out.figures.by_strategy[name] = m.figures();
  out.figures.seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  out.figures.recommend_mean_ms = calls ? total_ms / static_cast<double>(calls) : 0;
  return out;
}

}  // namespace persona::eval
