#include "actors/shard_actor.hpp"

#include <algorithm>

#include "actors/error_conversion.hpp"
#include "actors/kmeans_steps.hpp"
#include "actors/shard_ingest.hpp"
#include "actors/shard_read.hpp"
#include "actors/shard_state.hpp"
#include "core/profile/consent.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::shard_read)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::shard_ingest)

namespace persona {

/// Sends the shard its next drain message unless one is on its way.
void schedule_drain(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  auto next = st.next_slice();
  if (next != shard_state::slice_kind::none) {
    st.draining = true;
    self->send(self, drain_atom::value);
  } else if (st.snapshot && st.snapshot->capturing) {
    // Only the snapshot is left, and its writer is behind: look again soon.
    st.draining = true;
    self->delayed_send(self, std::chrono::milliseconds(2), drain_atom::value);
  }
}

void arm_sweep_timer(self_ptr self) {
  auto& st = self->state;
  if (st.sweep_timer || !st.store->segments().has_time_dependent())
    return;
  st.sweep_timer = true;
  self->delayed_send(self, st.sweep_tick_delay(), sweep_tick_atom::value);
}

/// A sweep tick: starts a sweep when one is due (the node's clock may have
/// moved on through other shards' events, or the wall clock under
/// clock=live), and looks again an interval later.
void on_sweep_tick(self_ptr self) {
  auto& st = self->state;
  st.sweep_timer = false;
  st.maybe_start_sweep();
  if (st.sweeping)
    schedule_drain(self);
  arm_sweep_timer(self);
}

/// After events applied: sends the collected item signals when enough
/// wait, else makes sure they go within feed_delay.
void after_apply(self_ptr self) {
  auto& st = self->state;
  if (!st.feed || st.feed->collected() == 0)
    return;
  if (st.feed->collected() >= st.setup.feed_batch) {
    st.send_feed();
    return;
  }
  if (!st.feed_timer) {
    st.feed_timer = true;
    self->delayed_send(self, st.setup.feed_delay, feed_atom::value);
  }
}

void drain(self_ptr self) {
  auto& st = self->state;
  st.draining = false;
  st.listen();
  switch (st.next_slice()) {
    case shard_state::slice_kind::write:
      ++st.batch_slices_in_a_row;
      st.write_slice();
      after_apply(self);
      break;
    case shard_state::slice_kind::scan:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.refresh_model();
      st.scan_slice();
      break;
    case shard_state::slice_kind::snapshot:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.capture_slice();
      break;
    case shard_state::slice_kind::replay:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.replay_slice();
      break;
    case shard_state::slice_kind::sweep:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      st.refresh_model();
      st.sweep_slice();
      break;
    case shard_state::slice_kind::expire:
      st.batch_slices_in_a_row = 0;
      ++st.background_turn;
      if (st.expire_slice() > 0)
        schedule_erasure(self);
      break;
    case shard_state::slice_kind::none:
      break;
  }
  st.maybe_start_sweep();
  st.flush_segment_changes();
  schedule_drain(self);
}

namespace {

/// A core result as a handler's answer.
template <class T>
caf::result<T> reply(result<T>&& r) {
  if (!r.ok())
    return to_caf_error(r.error());
  return std::move(*r);
}

/// A change other than a batch: logged now, applied in order, answered
/// once applied and its record is durable.
template <class T>
caf::result<T> change(self_ptr self, wal_kind kind, const std::string& payload,
                      std::function<result<T>()> apply) {
  auto& st = self->state;
  auto seq = st.log_change(kind, payload);
  if (!seq.ok())
    return to_caf_error(seq.error());
  if (st.writes.empty() && !st.must_wait(*seq)) {
    st.listen();
    auto r = apply();
    st.flush_segment_changes();
    return reply(std::move(r));
  }
  auto promise = self->make_response_promise<T>();
  st.run_in_order(
      [self, promise, apply = std::move(apply), seq = *seq]() mutable {
        self->state.listen();
        auto r = std::make_shared<result<T>>(apply());
        self->state.flush_segment_changes();
        self->state.settle(seq, [promise, r](const status* err) mutable {
          if (err)
            promise.deliver(to_caf_error(*err));
          else if (!r->ok())
            promise.deliver(to_caf_error(r->error()));
          else
            promise.deliver(std::move(**r));
        });
      },
      true);
  schedule_drain(self);
  return promise;
}

/// define_segment on a shard larger than a slice: logged now, declared in
/// order, then every profile evaluated in slices between other work (like
/// a query), answered with the size once the last slice is done and its
/// record is durable.
caf::result<uint64_t> define_in_slices(self_ptr self, const std::string& name, const value& where) {
  auto& st = self->state;
  auto seq = st.log_change(wal_kind::segment_define, encode_segment_define_payload(name, where));
  if (!seq.ok())
    return to_caf_error(seq.error());
  auto promise = self->make_response_promise<uint64_t>();
  st.run_in_order(
      [self, promise, name, where, seq = *seq]() mutable {
        auto& st = self->state;
        auto& store = *st.store;
        auto id = store.segments().declare(store, name, where);
        if (!id.ok()) {
          st.settle(seq, [promise, refused = id.error()](const status* err) mutable {
            promise.deliver(to_caf_error(err ? *err : refused));
          });
          return;
        }
        st.segment_scans.push_back(pending_segment_scan{*id, 0, promise, seq});
        arm_sweep_timer(self);
      },
      true);
  schedule_drain(self);
  return promise;
}

/// Deletes `user`. The delete record names the user, so it counts for the
/// compaction whether or not a profile was there; when `durable`, the
/// answer waits for that compaction (a snapshot begun after the delete was
/// applied, and the removal of the files before it).
caf::result<bool> erase_profile(self_ptr self, const std::string& user, bool durable) {
  auto& st = self->state;
  auto apply = [self, user]() -> result<bool> { return self->state.store->erase(user); };
  if (!durable) {
    auto r = change<bool>(self, wal_kind::erase, encode_erase_payload(user), apply);
    if (st.wal) {
      ++st.erases_since_snapshot;
      schedule_erasure(self);
    }
    return r;
  }
  auto seq = st.log_change(wal_kind::erase, encode_erase_payload(user));
  if (!seq.ok())
    return to_caf_error(seq.error());
  if (st.wal)
    ++st.erases_since_snapshot;
  auto promise = self->make_response_promise<bool>();
  st.run_in_order(
      [self, promise, apply]() mutable {
        auto& s = self->state;
        s.listen();
        bool erased = *apply();
        s.flush_segment_changes();
        after_next_snapshot(self, [promise, erased](const status* err) mutable {
          if (err)
            promise.deliver(to_caf_error(*err));
          else
            promise.deliver(erased);
        });
      },
      true);
  schedule_drain(self);
  return promise;
}

/// Logs `batch` (on a durable shard), then applies it at once when it is
/// small and nothing waits, else queues it to be applied slice by slice;
/// `reply` gets the outcome once the batch is applied and durable.
void accept_batch(self_ptr self, shard_batch& batch, batch_reply reply) {
  auto& st = self->state;
  uint64_t seq = 0;
  // Events of users who withheld profiling never reach the WAL.
  uint32_t not_kept = st.durable() ? st.drop_without_consent(batch) : 0;
  if (batch.events.empty()) {
    batch_outcome out;
    out.not_kept = not_kept;
    return reply(nullptr, out);
  }
  if (st.durable()) {
    encode_batch_payload(st.payload, batch.events);
    auto logged = st.log_change(wal_kind::batch, st.payload);
    if (!logged.ok()) {
      batch_outcome none;
      return reply(&logged.error(), none);
    }
    seq = *logged;
  }
  if (st.wal && st.setup.snapshot_wal_bytes > 0 && !st.snapshot &&
      st.wal->segment_bytes() >= st.setup.snapshot_wal_bytes) {
    st.log(false, "the WAL grew by " + std::to_string(st.wal->segment_bytes()) +
                      " bytes since the last snapshot: starting one");
    start_snapshot(self, std::nullopt);
  }
  bool small = st.writes.empty() && batch.events.size() <= st.setup.slice_events;
  if (small) {
    st.listen();
    auto out = st.store->apply(batch.events, batch.indices, st.catalog.get());
    st.events_without_consent += out.not_kept;
    out.not_kept += not_kept;
    after_apply(self);
    st.maybe_start_sweep();
    st.flush_segment_changes();
    if (st.sweeping)
      schedule_drain(self);
    // Answered now, or once its record is durable.
    st.settle(seq, [reply = std::move(reply), out = std::move(out)](const status* err) mutable {
      reply(err, out);
    });
    return;
  }
  pending_write w;
  w.batch = std::move(batch);
  w.outcome.not_kept = not_kept;
  w.seq = seq;
  w.reply = std::move(reply);
  st.writes.push_back(std::move(w));
  schedule_drain(self);
}

caf::behavior shard_behavior(self_ptr self, shard_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.setup.slice_events = std::max<size_t>(1, st.setup.slice_events);
  st.store_ptr =
      st.setup.store ? std::move(st.setup.store) : std::make_shared<profile_store>(st.setup.profile);
  st.store = st.store_ptr.get();
  if (st.setup.clock)
    st.store->set_clock(st.setup.clock.get());
  st.catalog = st.setup.catalog ? std::move(st.setup.catalog) : std::make_shared<const item_catalog>();
  st.erases_since_snapshot = st.setup.erases_since_snapshot;
  if (auto& models = st.setup.models) {
    st.feed = std::make_unique<model_feed>(models->items(), models->categories(), models->brands(),
                                           st.setup.recommend, st.setup.labels, st.setup.index + 1);
    st.store->set_model_feed(st.feed.get());
    // A recovered store: rebuild the item model from the histories,
    // unless it was restored from its file.
    if (st.store->size() > 0 && !st.setup.model_restored) {
      st.replaying = true;
      self->send(self, drain_atom::value);
      st.draining = true;
    }
  }
  arm_sweep_timer(self);  // a recovered store's segments
  if (st.setup.profile_ttl_ms > 0)
    self->delayed_send(self, st.setup.retention_sweep_interval, retain_tick_atom::value);
  if (st.durable()) {
    open_wal(self);
    if (st.setup.snapshot_interval.count() > 0)
      self->delayed_send(self, st.setup.first_snapshot_delay, snap_tick_atom::value);
  }
  return {
      [=](ingest_atom, shard_batch& batch) -> caf::result<batch_outcome> {
        auto promise = self->make_response_promise<batch_outcome>();
        accept_batch(self, batch, [promise](const status* err, batch_outcome& out) mutable {
          if (err)
            promise.deliver(to_caf_error(*err));
          else
            promise.deliver(std::move(out));
        });
        return promise;
      },
      [=](shard_ingest& part) {
        accept_batch(self, part.batch,
                     [join = std::move(part.join), index = part.part](const status* err, batch_outcome& out) {
                       join->deliver(index, err, out);
                     });
      },
      [=](drain_atom) { drain(self); },
      [=](profile_atom, const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) {
        return reply(self->state.store->render(user, now_ms, fields));
      },
      [=](shard_read& r) { r.answer->deliver(self->state.serve(r)); },
      [=](feed_atom) {
        self->state.feed_timer = false;
        self->state.send_feed();
      },
      [=](feed_atom, bool) -> caf::result<bool> {
        auto& st = self->state;
        // After the changes queued before this request.
        auto promise = self->make_response_promise<bool>();
        st.run_in_order([self, promise]() mutable {
          self->state.send_feed();
          promise.deliver(true);
        });
        schedule_drain(self);
        return promise;
      },
      [=](similar_atom, const value& likeness, uint64_t k, const std::string& exclude) -> caf::result<value> {
        user_likeness query;
        if (!from_value(likeness, query))
          return to_caf_error({error_code::internal, "a likeness vector sent to a shard does not decode"});
        auto& st = self->state;
        pending_similar scan{likeness_scorer(query, st.store->symbols()), k, exclude, 0, {}, {}};
        if (st.similars.empty() && st.store->slot_count() <= st.query_slice()) {
          st.store->similar_users(scan.scorer, k, exclude, 0, st.store->slot_count(), scan.best);
          return shard_state::similar_value(scan.best);
        }
        // A scan of every profile goes in slices between batches, like a query.
        scan.promise = self->make_response_promise<value>();
        auto promise = scan.promise;
        st.similars.push_back(std::move(scan));
        schedule_drain(self);
        return promise;
      },
      [=](attrs_atom, const std::string& user, const value& attrs) -> caf::result<std::string> {
        return change<std::string>(self, wal_kind::attributes, encode_attributes_payload(user, attrs),
                                   [self, user, attrs]() -> result<std::string> {
                                     auto st = self->state.store->set_attributes(user, attrs);
                                     if (!st.ok())
                                       return st;
                                     return user;
                                   });
      },
      [=](consent_atom, const std::string& user, const value& flags) -> caf::result<value> {
        auto& st = self->state;
        if (auto v = validate_consent(flags); !v.ok())
          return to_caf_error(v);
        if (st.durable() && !st.wal)
          return to_caf_error(st.wal_error);
        // Batches logged from now on see the consent this change makes.
        auto withheld = apply_consent(st.withheld_as_logged(user), flags);
        auto& logged = st.consent_logged[user];
        logged.first = withheld;
        ++logged.second;
        return change<value>(self, wal_kind::consent, encode_consent_payload(user, flags),
                             [self, user, flags]() {
                               auto& s = self->state;
                               auto it = s.consent_logged.find(user);
                               if (it != s.consent_logged.end() && --it->second.second == 0)
                                 s.consent_logged.erase(it);
                               return s.store->set_consent(user, flags);
                             });
      },
      [=](erase_atom, const std::string& user) { return erase_profile(self, user, false); },
      [=](erase_atom, const std::string& user, bool durable) { return erase_profile(self, user, durable); },
      [=](erase_tick_atom) { on_erase_tick(self); },
      [=](retain_tick_atom) {
        auto& st = self->state;
        st.start_retention_sweep();
        schedule_drain(self);
        self->delayed_send(self, std::max(st.setup.retention_sweep_interval, min_sweep_tick),
                           retain_tick_atom::value);
      },
      [=](export_atom, const std::string& user) -> caf::result<std::string> {
        auto image = self->state.store->export_image(user);
        if (!image)
          return to_caf_error({error_code::not_found, "no profile for user '" + user + "'"});
        return std::move(*image);
      },
      [=](fold_atom, const std::string& target, const std::string& image, uint64_t fold_id, int64_t now_ms,
          const std::vector<std::string>& fields) -> caf::result<value> {
        return change<value>(self, wal_kind::fold, encode_fold_payload(target, fold_id, image),
                             [self, target, image, fold_id, now_ms, fields]() {
                               return self->state.store->merge_image(target, image, now_ms, fields, fold_id);
                             });
      },
      [=](catalog_atom, catalog_update& update) -> caf::result<uint64_t> {
        auto catalog = update.catalog;
        auto version = update.version;
        auto records = std::make_shared<std::vector<item_record>>(std::move(update.records));
        return change<uint64_t>(self, wal_kind::catalog, encode_catalog_payload(version, *records),
                                [self, catalog, version, records]() -> result<uint64_t> {
                                  auto& st = self->state;
                                  st.catalog = catalog ? catalog : st.catalog->with(*records, version);
                                  return version;
                                });
      },
      [=](segdef_atom, const std::string& name, const value& where) -> caf::result<uint64_t> {
        if (self->state.store->slot_count() > self->state.query_slice())
          return define_in_slices(self, name, where);
        return change<uint64_t>(self, wal_kind::segment_define, encode_segment_define_payload(name, where),
                                [self, name, where]() {
                                  auto& st = self->state;
                                  auto& store = *st.store;
                                  auto r = store.segments().define(store, name, where, store.now_ms());
                                  if (r.ok() && !st.sweeping)
                                    st.swept_now();
                                  arm_sweep_timer(self);
                                  return r;
                                });
      },
      [=](segdrop_atom, const std::string& name) -> caf::result<bool> {
        return change<bool>(self, wal_kind::segment_drop, encode_segment_drop_payload(name), [self, name]() {
          auto& store = *self->state.store;
          return store.segments().drop(store, name);
        });
      },
      [=](seglist_atom) {
        auto& store = *self->state.store;
        value out{value::map{}};
        auto& segments = store.segments();
        auto& names = segments.directory().names;
        for (segment_id id = 0; id < names.size(); ++id) {
          if (names[id].empty())
            continue;
          value entry{value::array{*segments.where(id), value{segments.size(id)}}};
          out.set(names[id], std::move(entry));
        }
        return out;
      },
      [=](segmembers_atom, const std::string& name, uint64_t from_slot,
          uint64_t limit) -> caf::result<value> {
        auto& store = *self->state.store;
        auto id = store.segments().directory().find(name);
        if (!id)
          return to_caf_error({error_code::not_found, "no segment '" + name + "'; list_segments shows them"});
        size_t next = from_slot;
        auto users = store.segments().members(store, *id, next, limit);
        value out{value::map{}};
        value::array list;
        for (auto& u : users)
          list.emplace_back(std::move(u));
        out.set("users", value{std::move(list)});
        out.set("next", next >= store.slot_count() ? value{} : value{static_cast<uint64_t>(next)});
        return out;
      },
      [=](kmeans_atom, const std::string& op, const value& args) -> caf::result<value> {
        auto& st = self->state;
        auto& store = *st.store;
        auto now = store.now_ms();
        auto& a = args.as_array();
        if (op == "moments") {
          auto m = store.clusters().moments(store, strings_of(a.at(0)), now);
          if (!m.ok())
            return to_caf_error(m.error());
          return moments_value(*m);
        }
        if (op == "prepare") {
          if (auto r = store.clusters().prepare(store, strings_of(a.at(0)), numbers_of(a.at(1)),
                                                numbers_of(a.at(2)), now);
              !r.ok())
            return to_caf_error(r);
          value out{value::map{}};
          out.set("points", value{static_cast<uint64_t>(store.clusters().points().size())});
          return out;
        }
        if (op == "draw")
          return candidate_value(
              store.clusters().points().draw(numbers_of(a.at(0)), static_cast<uint64_t>(a.at(1).as_int())));
        if (op == "step")
          return partial_value(store.clusters().points().step(numbers_of(a.at(0))));
        if (op == "model") {
          auto encoded = a.at(0).as_string();
          return change<value>(self, wal_kind::cluster_model, encoded, [self, encoded]() -> result<value> {
            auto model = std::make_shared<cluster_model>();
            if (!decode_cluster_model(encoded, *model))
              return status{error_code::internal, "a cluster model sent to a shard does not decode"};
            auto& store = *self->state.store;
            store.clusters().install(store, std::move(model), store.now_ms());
            value out{value::map{}};
            out.set("assigned", value{static_cast<uint64_t>(store.size())});
            return out;
          });
        }
        return to_caf_error({error_code::internal, "unknown k-means step '" + op + "'"});
      },
      [=](query_atom, query_request& q) -> caf::result<query_partial> {
        auto& st = self->state;
        if (st.queries.empty() && st.store->slot_count() <= st.query_slice())
          return reply(st.store->run_query(q));
        auto promise = self->make_response_promise<query_partial>();
        st.queries.push_back(pending_query{std::move(q), 0, {}, promise, st.query_deadline()});
        schedule_drain(self);
        return promise;
      },
      [=](snapshot_atom) -> caf::result<shard_snapshot> {
        auto promise = self->make_response_promise<shard_snapshot>();
        start_snapshot(self, promise);
        return promise;
      },
      [=](sweep_tick_atom) { on_sweep_tick(self); },
      [=](snap_tick_atom) {
        start_snapshot(self, std::nullopt);
        self->delayed_send(self, self->state.setup.snapshot_interval, snap_tick_atom::value);
      },
      [=](snap_done_atom, bool ok, const std::string& error, uint64_t bytes, uint64_t removed) {
        finish_snapshot(self, ok, error, bytes, removed);
      },
      [=](durable_atom, uint64_t seq, bool ok, const std::string& error) {
        self->state.on_durable(
            seq,
            ok ? status{}
               : status{error_code::unavailable,
                        self->state.shard_name() + " could not write or sync its write-ahead log: " + error});
      },
      [=](stats_atom) {
        auto& st = self->state;
        auto s = st.store->stats();
        shard_stats out;
        out.shard = st.setup.index;
        out.users = s.users;
        out.events = s.events;
        out.mailbox = self->mailbox().size();
        out.profile_bytes = s.profile_bytes;
        out.index_bytes = s.index_bytes;
        out.symbol_bytes = s.symbol_bytes;
        if (st.wal) {
          out.wal_seq = st.wal->last_seq();
          out.wal_synced_seq = st.wal->synced_seq();
          out.wal_bytes = st.wal->bytes_written();
        }
        out.snapshots = st.snapshots_written;
        out.segment_sweeps = st.sweeps_done;
        out.last_sweep_ms = st.last_sweep_ms;
        out.model_signals_collected = st.feed ? st.feed->collected() : 0;
        out.last_snapshot_bytes = st.last_snapshot_bytes;
        out.last_snapshot_ms = st.last_snapshot_ms;
        out.erase_compactions = st.erase_compactions;
        out.expired_profiles = st.expired_profiles;
        out.events_without_consent = st.events_without_consent;
        return out;
      },
  };
}

}  // namespace

void post_read(const caf::actor& shard, shard_read read) {
  caf::anon_send<caf::message_priority::high>(shard, std::move(read));
}

void post_ingest(const caf::actor& shard, shard_ingest part) {
  caf::anon_send(shard, std::move(part));
}

caf::actor spawn_shard(caf::actor_system& sys, shard_setup setup) {
  return sys.spawn(shard_behavior, std::move(setup));
}

}  // namespace persona
