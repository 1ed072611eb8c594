#include "actors/coordinator_actor.hpp"

#include "actors/coordinator_state.hpp"

#include <algorithm>
#include <map>

#include "actors/error_conversion.hpp"
#include "actors/fan_out.hpp"
#include "actors/kmeans_steps.hpp"
#include "actors/message_types.hpp"
#include "core/util/stable_hash.hpp"
#include "core/util/user_router.hpp"

namespace persona {

namespace {

/// Asks the shard owning `user` and delivers its answer (or a named error)
/// to a promise of type T, within `timeout`; with priority P (high: ahead
/// of queued batches).
template <class T, caf::message_priority P = caf::message_priority::normal, class... Ts>
caf::result<T> ask_owner_within(self_ptr self, std::chrono::milliseconds timeout, const std::string& user,
                                const Ts&... args) {
  auto& st = self->state;
  auto shard = shard_of(user, st.shards.size());
  auto rp = std::make_shared<caf::typed_response_promise<T>>(self->make_response_promise<T>());
  auto name = st.shard_name(shard);
  self->request<P>(st.shards[shard], timeout, args...)
      .then([rp](T& answer) { rp->deliver(std::move(answer)); },
            [rp, name, timeout](caf::error& err) {
              rp->deliver(to_caf_error(from_caf_error(err, name, timeout.count())));
            });
  return *rp;
}

/// ask_owner_within() the shards' deadline.
template <class T, caf::message_priority P = caf::message_priority::normal, class... Ts>
caf::result<T> ask_owner(self_ptr self, const std::string& user, const Ts&... args) {
  return ask_owner_within<T, P>(self, self->state.timeout, user, args...);
}

caf::result<value> merge(self_ptr self, const std::string& source, const std::string& target, int64_t now_ms,
                         const std::vector<std::string>& fields) {
  auto& st = self->state;
  auto rp = std::make_shared<caf::typed_response_promise<value>>(self->make_response_promise<value>());
  auto timeout = st.timeout;
  auto src_shard = shard_of(source, st.shards.size());
  auto dst_shard = shard_of(target, st.shards.size());
  auto src = st.shards[src_shard];
  auto dst = st.shards[dst_shard];
  auto src_name = st.shard_name(src_shard);
  auto dst_name = st.shard_name(dst_shard);
  auto fail = [rp, timeout](const std::string& who) {
    return [rp, who, timeout](caf::error& err) {
      rp->deliver(to_caf_error(from_caf_error(err, who, timeout.count())));
    };
  };
  // Copy the source, fold it into the target, and only then delete the
  // source: a failure on the way leaves the source in place. The fold id
  // makes the fold happen once: a merge retried after a crash between fold
  // and delete finds the same image and folds nothing twice.
  self->request(src, timeout, export_atom::value, source)
      .then(
          [=](std::string& image) {
            auto fold_id = stable_hash("merge\n" + source + "\n" + image);
            self->request(dst, timeout, fold_atom::value, target, image, fold_id, now_ms, fields)
                .then(
                    [=](value& merged) {
                      self->request(src, timeout, erase_atom::value, source)
                          .then([rp, merged](bool) mutable { rp->deliver(std::move(merged)); },
                                fail(src_name));
                    },
                    fail(dst_name));
          },
          fail(src_name));
  return *rp;
}

caf::result<value> query(self_ptr self, query_request q) {
  auto& st = self->state;
  auto rp = std::make_shared<caf::typed_response_promise<value>>(self->make_response_promise<value>());
  auto timeout = st.timeout;
  auto names = [self](size_t i) { return self->state.shard_name(i); };
  auto shards = st.shards;
  auto second_pass = [=](query_request full) {
    fan_out<query_partial>(
        self, shards, timeout, names,
        [rp, full](std::vector<query_partial>& parts, std::optional<status> err) {
          if (err) {
            rp->deliver(to_caf_error(*err));
            return;
          }
          query_partial merged;
          merged.aggregates.resize(full.aggregates.size());
          for (auto& p : parts)
            merged.merge(std::move(p), full.limit);
          rp->deliver(finish_query(full, merged));
        },
        query_atom::value, full);
  };
  bool needs_range = std::any_of(q.aggregates.begin(), q.aggregates.end(),
                                 [](const aggregate_spec& a) { return a.needs_range(); });
  if (!needs_range) {
    second_pass(std::move(q));
    return *rp;
  }
  // First pass: the range of every histogram's field, with no users.
  query_request range = q;
  range.limit = 0;
  range.fields.clear();
  fan_out<query_partial>(
      self, shards, timeout, names,
      [rp, q, second_pass](std::vector<query_partial>& parts, std::optional<status> err) mutable {
        if (err) {
          rp->deliver(to_caf_error(*err));
          return;
        }
        query_partial merged;
        merged.aggregates.resize(q.aggregates.size());
        for (auto& p : parts)
          merged.merge(std::move(p), 0);
        for (size_t i = 0; i < q.aggregates.size(); ++i) {
          auto& a = q.aggregates[i];
          if (!a.needs_range())
            continue;
          auto& m = merged.aggregates[i];
          a.edges = equal_width_edges(m.n ? m.min : 0.0, m.n ? m.max : 1.0, a.bins);
          a.clamp = true;
        }
        second_pass(std::move(q));
      },
      query_atom::value, range);
  return *rp;
}

/// Sends every shard the same request and delivers all answers (or the
/// first failure, naming its shard) to a promise.
template <class T, class... Ts>
caf::result<std::vector<T>> ask_all(self_ptr self, std::chrono::milliseconds timeout, const Ts&... args) {
  auto rp = std::make_shared<caf::typed_response_promise<std::vector<T>>>(
      self->make_response_promise<std::vector<T>>());
  fan_out<T>(
      self, self->state.shards, timeout, [self](size_t i) { return self->state.shard_name(i); },
      [rp](std::vector<T>& all, std::optional<status> err) {
        if (err)
          rp->deliver(to_caf_error(*err));
        else
          rp->deliver(std::move(all));
      },
      args...);
  return *rp;
}

caf::behavior coordinator_behavior(self_ptr self, std::vector<caf::actor> shards,
                                   std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds snapshot_timeout) {
  self->state.shards = std::move(shards);
  self->state.timeout = timeout;
  self->state.snapshot_timeout = snapshot_timeout;
  return {
      [=](profile_atom a, const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) {
        return ask_owner<value, caf::message_priority::high>(self, user, a, user, now_ms, fields);
      },
      [=](attrs_atom a, const std::string& user, const value& attrs) {
        return ask_owner<std::string>(self, user, a, user, attrs);
      },
      [=](consent_atom a, const std::string& user, const value& flags) {
        return ask_owner<value>(self, user, a, user, flags);
      },
      [=](erase_atom a, const std::string& user) { return ask_owner<bool>(self, user, a, user); },
      [=](erase_atom a, const std::string& user, bool durable) {
        // A durable delete waits for a snapshot of the user's shard.
        auto timeout = durable ? self->state.snapshot_timeout : self->state.timeout;
        return ask_owner_within<bool>(self, timeout, user, a, user, durable);
      },
      [=](merge_atom, const std::string& source, const std::string& target, int64_t now_ms,
          const std::vector<std::string>& fields) { return merge(self, source, target, now_ms, fields); },
      [=](catalog_atom a, const catalog_update& update) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        auto version = update.version;
        fan_out<uint64_t>(
            self, self->state.shards, self->state.timeout,
            [self](size_t i) { return self->state.shard_name(i); },
            [rp, version](std::vector<uint64_t>&, std::optional<status> err) mutable {
              if (err)
                rp.deliver(to_caf_error(*err));
              else
                rp.deliver(version);
            },
            a, update);
        return rp;
      },
      [=](snapshot_atom a) { return ask_all<shard_snapshot>(self, self->state.snapshot_timeout, a); },
      [=](segdef_atom, const std::string& name, const value& where) {
        return define_segment(self, name, where);
      },
      [=](segdrop_atom, const std::string& name) { return drop_segment(self, name); },
      [=](seglist_atom) { return list_segments(self); },
      [=](segmembers_atom, const std::string& name, uint64_t shard, uint64_t slot, uint64_t limit) {
        return segment_members(self, name, shard, slot, limit);
      },
      [=](train_atom, const value& options) { return train_clusters(self, options); },
      [=](query_atom, const query_request& q) { return query(self, q); },
      [=](stats_atom a) { return ask_all<shard_stats>(self, self->state.timeout, a); },
  };
}

}  // namespace

caf::actor spawn_coordinator(caf::actor_system& sys, std::vector<caf::actor> shards,
                             std::chrono::milliseconds shard_timeout,
                             std::chrono::milliseconds snapshot_timeout) {
  return sys.spawn(coordinator_behavior, std::move(shards), shard_timeout, snapshot_timeout);
}

}  // namespace persona
