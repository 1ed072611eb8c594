#include "actors/shard_actor.hpp"

#include <algorithm>
#include <deque>

#include "actors/error_conversion.hpp"
#include "actors/message_types.hpp"
#include "actors/shard_read.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::shard_read)

namespace persona {

namespace {

/// A batch being applied slice by slice, and the answer it will get.
struct pending_batch {
  shard_batch batch;
  size_t next = 0;
  batch_outcome outcome;
  caf::typed_response_promise<batch_outcome> promise;
};

/// A query being evaluated slice by slice over the slab, and its answer.
struct pending_query {
  query_request request;
  size_t next_slot = 0;
  query_partial partial;
  caf::typed_response_promise<query_partial> promise;
};

/// Profiles a query slice scans for each event a batch slice applies (a
/// scan is about 16 times cheaper per profile than an update).
constexpr size_t query_profiles_per_event = 16;
/// Ingest goes first: a query gets a slice when no batch waits, or after
/// this many batch slices in a row, so it still finishes under full load.
constexpr uint32_t batch_slices_per_query_slice = 8;

/// State of one shard actor; touched only by that actor.
struct shard_state {
  uint32_t index = 0;
  profile_store store;
  std::shared_ptr<const item_catalog_holder> items;
  size_t slice_events = default_slice_events;
  /// Work not yet done, oldest first.
  std::deque<pending_batch> batches;
  std::deque<pending_query> queries;
  uint32_t batch_slices_in_a_row = 0;
  /// Whether a drain message is on its way to this shard.
  bool draining = false;
  static inline const char* name = "persona.shard";

  const item_catalog* catalog_now(std::shared_ptr<const item_catalog>& hold) {
    hold = items ? items->current() : nullptr;
    return hold.get();
  }

  size_t query_slice() const { return slice_events * query_profiles_per_event; }

  /// Does one slice of pending work; true while work remains.
  bool work_one_slice() {
    bool query =
        !queries.empty() && (batches.empty() || batch_slices_in_a_row >= batch_slices_per_query_slice);
    if (query) {
      batch_slices_in_a_row = 0;
      scan_slice();
    } else if (!batches.empty()) {
      ++batch_slices_in_a_row;
      apply_slice();
    }
    return !batches.empty() || !queries.empty();
  }

  /// Applies the next slice of the oldest pending batch; answers the batch
  /// when it is done.
  void apply_slice() {
    auto& head = batches.front();
    size_t n = std::min(slice_events, head.batch.events.size() - head.next);
    std::shared_ptr<const item_catalog> hold;
    auto part = store.apply(head.batch.events, head.batch.indices, head.next, n, catalog_now(hold));
    head.next += n;
    head.outcome.accepted += part.accepted;
    for (auto& r : part.rejected)
      head.outcome.rejected.push_back(std::move(r));
    if (head.next == head.batch.events.size()) {
      head.promise.deliver(std::move(head.outcome));
      batches.pop_front();
    }
  }

  /// Scans the next slice of the oldest pending query; answers it when the
  /// scan reaches the end of the slab (profiles added meanwhile included).
  void scan_slice() {
    auto& head = queries.front();
    auto part = store.run_query(head.request, head.next_slot, query_slice());
    if (!part.ok()) {
      head.promise.deliver(to_caf_error(part.error()));
      queries.pop_front();
      return;
    }
    head.partial.merge(std::move(*part), head.request.limit);
    head.next_slot += query_slice();
    if (head.next_slot >= store.slot_count()) {
      head.promise.deliver(std::move(head.partial));
      queries.pop_front();
    }
  }
};

template <class T>
caf::result<T> reply(result<T>&& r) {
  if (!r.ok())
    return to_caf_error(r.error());
  return std::move(*r);
}

/// Sends the shard its next drain message unless one is on its way.
void schedule_drain(caf::stateful_actor<shard_state>* self) {
  if (!self->state.draining) {
    self->state.draining = true;
    self->send(self, drain_atom::value);
  }
}

caf::behavior shard_behavior(caf::stateful_actor<shard_state>* self, uint32_t index, profile_config cfg,
                             std::shared_ptr<const item_catalog_holder> items, size_t slice_events) {
  self->state.index = index;
  self->state.items = std::move(items);
  self->state.store = profile_store(std::move(cfg));
  self->state.slice_events = std::max<size_t>(1, slice_events);
  return {
      [=](ingest_atom, shard_batch& batch) -> caf::result<batch_outcome> {
        auto& st = self->state;
        if (st.batches.empty() && batch.events.size() <= st.slice_events) {
          std::shared_ptr<const item_catalog> hold;
          return st.store.apply(batch.events, batch.indices, st.catalog_now(hold));
        }
        auto promise = self->make_response_promise<batch_outcome>();
        st.batches.push_back(pending_batch{std::move(batch), 0, {}, promise});
        schedule_drain(self);
        return promise;
      },
      [=](drain_atom) {
        self->state.draining = false;
        if (self->state.work_one_slice())
          schedule_drain(self);
      },
      [=](profile_atom, const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) {
        return reply(self->state.store.render(user, now_ms, fields));
      },
      [=](shard_read& r) { r.answer->deliver(self->state.store.render(r.user, r.now_ms, r.fields)); },
      [=](attrs_atom, const std::string& user, const value& attrs) -> caf::result<std::string> {
        auto st = self->state.store.set_attributes(user, attrs);
        if (!st.ok())
          return to_caf_error(st);
        return user;
      },
      [=](erase_atom, const std::string& user) { return self->state.store.erase(user); },
      [=](export_atom, const std::string& user) -> caf::result<std::string> {
        auto image = self->state.store.export_image(user);
        if (!image)
          return to_caf_error({error_code::not_found, "no profile for user '" + user + "'"});
        return std::move(*image);
      },
      [=](fold_atom, const std::string& target, const std::string& image, int64_t now_ms,
          const std::vector<std::string>& fields) {
        return reply(self->state.store.merge_image(target, image, now_ms, fields));
      },
      [=](query_atom, query_request& q) -> caf::result<query_partial> {
        auto& st = self->state;
        if (st.queries.empty() && st.store.slot_count() <= st.query_slice())
          return reply(st.store.run_query(q));
        auto promise = self->make_response_promise<query_partial>();
        st.queries.push_back(pending_query{std::move(q), 0, {}, promise});
        schedule_drain(self);
        return promise;
      },
      [=](stats_atom) {
        auto s = self->state.store.stats();
        shard_stats out;
        out.shard = self->state.index;
        out.users = s.users;
        out.events = s.events;
        out.mailbox = self->mailbox().size();
        out.profile_bytes = s.profile_bytes;
        out.index_bytes = s.index_bytes;
        out.symbol_bytes = s.symbol_bytes;
        return out;
      },
  };
}

}  // namespace

void post_read(const caf::actor& shard, shard_read read) {
  caf::anon_send<caf::message_priority::high>(shard, std::move(read));
}

caf::actor spawn_shard(caf::actor_system& sys, uint32_t index, const profile_config& cfg,
                       std::shared_ptr<const item_catalog_holder> items, size_t slice_events) {
  return sys.spawn(shard_behavior, index, cfg, std::move(items), slice_events);
}

}  // namespace persona
