// shard_state: the shard's bookkeeping and the slice-by-slice work drain()
// runs (shard_state.hpp). Runs on the shard actor's thread only.
#include "actors/shard_state.hpp"

#include <algorithm>
#include <utility>

#include "actors/error_conversion.hpp"
#include "core/profile/consent.hpp"

namespace persona {

void shard_state::log(bool warning, const std::string& line) const {
  if (setup.log)
    setup.log(warning, shard_name() + ": " + line);
}

result<uint64_t> shard_state::log_change(wal_kind kind, std::string_view payload) {
  if (!durable())
    return uint64_t{0};
  if (!wal)
    return wal_error;
  auto seq = wal->append(static_cast<uint8_t>(kind), payload);
  if (!seq.ok())
    return status{error_code::unavailable, shard_name() +
                                               " could not write its write-ahead log, so the change " +
                                               "was not applied: " + seq.error().message()};
  return seq;
}

void shard_state::settle(uint64_t seq, settle_fn answer) {
  if (must_wait(seq))
    awaiting_durable.emplace_back(seq, std::move(answer));
  else
    answer(nullptr);
}

void shard_state::on_durable(uint64_t seq, const status& st) {
  while (!awaiting_durable.empty() && awaiting_durable.front().first <= seq) {
    awaiting_durable.front().second(st.ok() ? nullptr : &st);
    awaiting_durable.pop_front();
  }
}

void shard_state::run_in_order(std::function<void()> op, bool logged) {
  if (writes.empty()) {
    op();
    return;
  }
  pending_write w;
  w.op = std::move(op);
  w.seq = wal ? wal->last_seq() : 0;
  w.logged = logged;
  writes.push_back(std::move(w));
}

shard_state::slice_kind shard_state::next_slice() const {
  bool capture =
      snapshot && snapshot->capturing && snapshot->writer->queued_bytes() < max_snapshot_queue_bytes;
  slice_kind candidates[5];
  size_t n = 0;
  if (expiring && writes.empty())
    candidates[n++] = slice_kind::expire;
  if (!queries.empty() || !similars.empty() || !segment_scans.empty())
    candidates[n++] = slice_kind::scan;
  if (capture)
    candidates[n++] = slice_kind::snapshot;
  if (sweeping)
    candidates[n++] = slice_kind::sweep;
  if (replaying)
    candidates[n++] = slice_kind::replay;
  if (n > 0 && (writes.empty() || batch_slices_in_a_row >= batch_slices_per_background_slice))
    return candidates[background_turn % n];
  return writes.empty() ? slice_kind::none : slice_kind::write;
}

void shard_state::maybe_start_sweep() {
  if (sweeping || !store->segments().has_time_dependent())
    return;
  auto now = store->now_ms();
  // Due once the clock moved on by segment_sweep_ms; or when it moved back,
  // which happens once: from the wall clock to the first event of a replay.
  if (last_sweep_now >= 0 && now >= last_sweep_now && now < last_sweep_now + setup.segment_sweep_ms)
    return;
  auto wall = shard_clock::now();
  if (last_sweep_now >= 0 && wall - last_sweep_started < setup.segment_sweep_interval)
    return;
  last_sweep_started = wall;
  sweeping = true;
  sweep_next = 0;
  sweep_now = now;
  last_sweep_now = now;
}

shard_clock::duration shard_state::sweep_tick_delay() const {
  shard_clock::duration interval = std::max(setup.segment_sweep_interval, min_sweep_tick);
  auto wait = last_sweep_started + interval - shard_clock::now();
  return wait > shard_clock::duration::zero() ? wait : interval;
}

void shard_state::sweep_slice() {
  auto t = shard_clock::now();
  store->segments().sweep(*store, sweep_now, sweep_next, query_slice());
  sweep_busy += shard_clock::now() - t;
  sweep_next += query_slice();
  if (sweep_next >= store->slot_count()) {
    sweeping = false;
    ++sweeps_done;
    last_sweep_ms = std::chrono::duration<double, std::milli>(sweep_busy).count();
    sweep_busy = {};
  }
}

void shard_state::swept_now() {
  last_sweep_now = store->now_ms();
  last_sweep_started = shard_clock::now();
}

void shard_state::flush_segment_changes() {
  auto changes = store->segments().take_changes();
  if (changes.empty() || !setup.hub)
    return;
  std::vector<segment_event> out;
  out.reserve(changes.size());
  auto& names = store->segments().directory().names;
  for (auto& c : changes) {
    // Subscribers never hear of a user who withheld marketing.
    if (store->consent_withheld(c.user) & consent_bit::marketing)
      continue;
    out.push_back(segment_event{c.segment < names.size() ? names[c.segment] : std::string(),
                                std::move(c.user), c.entered, c.ts});
  }
  if (!out.empty())
    setup.hub->publish(out);
}

void shard_state::refresh_model() {
  if (!setup.models)
    return;
  auto current = setup.models->current();
  if (current != model) {
    store->set_propensity(current->propensity);
    store->set_churn(current->churn);
    auto old = std::exchange(model, std::move(current));
    if (old && setup.model_retire)
      setup.model_retire(std::move(old));
  }
}

uint64_t shard_state::applied_seq() const {
  if (!wal)
    return 0;
  if (writes.empty())
    return wal->last_seq();
  auto& head = writes.front();
  return head.op && !head.logged ? head.seq : head.seq - 1;
}

void shard_state::send_feed() {
  if (!feed || feed->collected() == 0 || !setup.model_sink)
    return;
  // A batch half applied waits: a sent batch says which records it holds
  // whole (a saved item model then covers exactly those).
  if (!writes.empty() && !writes.front().op && writes.front().next > 0)
    return;
  auto batch = feed->take();
  batch.shard = setup.index;
  batch.wal_seq = batch.replayed ? setup.next_seq - 1 : applied_seq();
  setup.model_sink(std::move(batch));
}

void shard_state::replay_slice() {
  store->replay_histories(replay_next, query_slice());
  replay_next += query_slice();
  send_feed();
  if (replay_next >= store->slot_count())
    replaying = false;
}

result<value> shard_state::serve(const shard_read& r) {
  refresh_model();
  switch (r.kind) {
    case read_kind::profile:
      return store->render(r.user, r.now_ms, r.fields);
    case read_kind::predict:
      return store->predict(r.user, r.now_ms);
    case read_kind::likeness:
      return store->likeness(r.user);
    case read_kind::access:
      return store->access_report(r.user, r.now_ms);
    case read_kind::recommend:
      break;
  }
  if (!feed || !model)
    return status{error_code::unavailable, "recommendations are not enabled on this node"};
  if (store->consent_withheld(r.user) & consent_bit::recommend) {
    // The user withheld it: popular items, the user's history unread.
    auto request = r.recommend;
    request.strategy = rec_strategy::popular;
    auto out = to_value(recommend(*model, user_taste{}, request, setup.recommend), *model);
    out.set("personalized", value{false});
    return out;
  }
  auto taste = store->taste_of(r.user);
  auto out = to_value(recommend(*model, taste, r.recommend, setup.recommend), *model);
  out.set("personalized", value{true});
  return out;
}

void shard_state::write_slice() {
  auto& head = writes.front();
  if (head.op) {
    auto op = std::move(head.op);
    writes.pop_front();
    op();
    return;
  }
  size_t n = std::min(setup.slice_events, head.batch.events.size() - head.next);
  auto part = store->apply(head.batch.events, head.batch.indices, head.next, n, catalog.get());
  head.next += n;
  head.outcome.accepted += part.accepted;
  head.outcome.not_kept += part.not_kept;
  events_without_consent += part.not_kept;
  for (auto& r : part.rejected)
    head.outcome.rejected.push_back(std::move(r));
  if (head.next == head.batch.events.size()) {
    auto reply = std::move(head.reply);
    auto outcome = std::move(head.outcome);
    auto seq = head.seq;
    writes.pop_front();
    settle(seq, [reply = std::move(reply), outcome = std::move(outcome)](const status* err) mutable {
      reply(err, outcome);
    });
  }
}

void shard_state::similar_slice() {
  auto& head = similars.front();
  store->similar_users(head.scorer, head.k, head.exclude, head.next_slot, query_slice(), head.best);
  head.next_slot += query_slice();
  if (head.next_slot >= store->slot_count()) {
    head.promise.deliver(similar_value(head.best));
    similars.pop_front();
  }
}

value shard_state::similar_value(const std::vector<std::pair<std::string, double>>& best) {
  value::array out;
  for (auto& [user, score] : best)
    out.emplace_back(value::array{value{user}, value{score}});
  return value{std::move(out)};
}

void shard_state::segment_slice() {
  auto& head = segment_scans.front();
  listen();
  store->segments().evaluate(*store, head.id, store->now_ms(), head.next_slot, query_slice());
  head.next_slot += query_slice();
  if (head.next_slot < store->slot_count())
    return;
  if (!sweeping)
    swept_now();
  settle(head.seq,
         [promise = head.promise, size = store->segments().size(head.id)](const status* err) mutable {
           if (err)
             promise.deliver(to_caf_error(*err));
           else
             promise.deliver(size);
         });
  segment_scans.pop_front();
}

void shard_state::scan_slice() {
  // Segment definitions, queries and similar_users scans take turns.
  if (!segment_scans.empty() && ((queries.empty() && similars.empty()) || background_turn % 3 == 2)) {
    segment_slice();
    return;
  }
  if (queries.empty() || (!similars.empty() && background_turn % 2 == 0)) {
    similar_slice();
    return;
  }
  auto& head = queries.front();
  if (head.deadline != std::chrono::steady_clock::time_point::max() && steady_now() > head.deadline) {
    // The caller has stopped waiting: scanning on would be work for no one.
    head.promise.deliver(to_caf_error(
        {error_code::timeout, shard_name() + " cancelled a query past its deadline (" +
                                  std::to_string(setup.query_deadline.count()) + " ms) after scanning " +
                                  std::to_string(std::min(head.next_slot, store->slot_count())) + " of " +
                                  std::to_string(store->slot_count()) + " profile slots"}));
    queries.pop_front();
    return;
  }
  auto part = store->run_query(head.request, head.next_slot, query_slice());
  if (!part.ok()) {
    head.promise.deliver(to_caf_error(part.error()));
    queries.pop_front();
    return;
  }
  head.partial.merge(std::move(*part), head.request.limit);
  head.next_slot += query_slice();
  if (head.next_slot >= store->slot_count()) {
    head.promise.deliver(std::move(head.partial));
    queries.pop_front();
  }
}

uint8_t shard_state::withheld_as_logged(const std::string& user) const {
  auto it = consent_logged.find(user);
  return it != consent_logged.end() ? it->second.first : store->consent_withheld(user);
}

uint32_t shard_state::drop_without_consent(shard_batch& batch) {
  if (!store->any_profiling_withheld() && consent_logged.empty())
    return 0;
  size_t kept = 0;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    if (withheld_as_logged(batch.events[i].user) & consent_bit::profiling)
      continue;
    if (kept != i) {
      batch.events[kept] = std::move(batch.events[i]);
      batch.indices[kept] = batch.indices[i];
    }
    ++kept;
  }
  auto dropped = static_cast<uint32_t>(batch.events.size() - kept);
  batch.events.resize(kept);
  batch.indices.resize(kept);
  events_without_consent += dropped;
  return dropped;
}

void shard_state::start_retention_sweep() {
  if (expiring || setup.profile_ttl_ms <= 0)
    return;
  expiring = true;
  expire_next = 0;
  expire_cutoff = store->now_ms() - setup.profile_ttl_ms;
}

size_t shard_state::expire_slice() {
  std::vector<std::string> stale;
  store->stale_users(expire_cutoff, expire_next, query_slice(), stale);
  expire_next += query_slice();
  if (expire_next >= store->slot_count())
    expiring = false;
  size_t n = 0;
  for (auto& user : stale) {
    auto seq = log_change(wal_kind::erase, encode_erase_payload(user));
    if (!seq.ok()) {
      log(true, "retention sweep stopped: " + seq.error().message());
      expiring = false;
      break;
    }
    if (wal)
      ++erases_since_snapshot;
    store->erase(user);
    ++n;
  }
  expired_profiles += n;
  return n;
}

void shard_state::capture_slice() {
  auto& job = *snapshot;
  std::vector<captured_profile> part;
  bool complete = store->capture().slice(*store, snapshot_slice(), part);
  if (!part.empty()) {
    job.profiles += part.size();
    job.writer->write(job.encoder.profiles(part));
  }
  if (complete) {
    store->capture().end();
    job.capturing = false;
    job.writer->write(job.encoder.end());
    job.writer->finish();
  }
}

}  // namespace persona
