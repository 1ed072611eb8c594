// message_types: the CAF glue for every type that crosses an actor boundary:
// atoms, `inspect` overloads (so each type serializes and a shard could live
// on another node) and their registration. The only place where core types
// meet CAF; include it from actor .cpp files only (CAF headers are heavy).
#pragma once

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "core/profile/event.hpp"
#include "core/profile/event_validation.hpp"
#include "core/query/aggregate.hpp"
#include "core/query/query.hpp"
#include "core/store/profile_store.hpp"
#include "core/util/value.hpp"

namespace persona {

using ingest_atom = caf::atom_constant<caf::atom("ingest")>;
using profile_atom = caf::atom_constant<caf::atom("profile")>;
using attrs_atom = caf::atom_constant<caf::atom("attrs")>;
using erase_atom = caf::atom_constant<caf::atom("erase")>;
using consent_atom = caf::atom_constant<caf::atom("consent")>;
using export_atom = caf::atom_constant<caf::atom("export")>;
using fold_atom = caf::atom_constant<caf::atom("fold")>;
using merge_atom = caf::atom_constant<caf::atom("merge")>;
using query_atom = caf::atom_constant<caf::atom("query")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using catalog_atom = caf::atom_constant<caf::atom("catalog")>;
using segdef_atom = caf::atom_constant<caf::atom("segdef")>;
using segdrop_atom = caf::atom_constant<caf::atom("segdrop")>;
using seglist_atom = caf::atom_constant<caf::atom("seglist")>;
using segmembers_atom = caf::atom_constant<caf::atom("segmembers")>;
/// A step of a k-means training in a shard: (kmeans, op, args) -> value.
using kmeans_atom = caf::atom_constant<caf::atom("kmeans")>;
/// train_clusters at the coordinator.
using train_atom = caf::atom_constant<caf::atom("train")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
/// A shard's note to itself: apply the next slice of its pending batches.
using drain_atom = caf::atom_constant<caf::atom("drain")>;
/// From a shard's WAL writer thread: records up to a sequence number are
/// durable under the fsync policy (or failed to become so).
using durable_atom = caf::atom_constant<caf::atom("durable")>;
/// A shard's timer: time for a periodic snapshot.
using snap_tick_atom = caf::atom_constant<caf::atom("snaptick")>;
/// A shard's timer while it has time-dependent segments: is a sweep due?
using sweep_tick_atom = caf::atom_constant<caf::atom("sweeptick")>;
/// The item model actor's timer: publish a version.
using publish_atom = caf::atom_constant<caf::atom("publish")>;
/// Publish the item model now, after every shard sent what it collected.
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
/// The item model's own: learn more of the signals that wait; save its state.
using learn_atom = caf::atom_constant<caf::atom("learn")>;
using save_atom = caf::atom_constant<caf::atom("save")>;
/// A shard's timer and request: send the collected item signals.
using feed_atom = caf::atom_constant<caf::atom("feed")>;
/// similar_users: a shard's top-k against a likeness vector.
using similar_atom = caf::atom_constant<caf::atom("similar")>;
/// From a shard's snapshot writer thread: the file is written (or failed).
using snap_done_atom = caf::atom_constant<caf::atom("snapdone")>;
/// A shard's timer after a delete: time for the compaction that drops the
/// deleted profiles from its files.
using erase_tick_atom = caf::atom_constant<caf::atom("erasetick")>;
/// A shard's timer under profile_ttl: time for a retention sweep.
using retain_tick_atom = caf::atom_constant<caf::atom("retaintick")>;

/// Registers every message type with `cfg`; call on every node.
void register_message_types(caf::actor_system_config& cfg);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return f(caf::meta::type_name("persona.event"), x.user, x.type, x.ts, x.item, x.categories, x.brand,
           x.price, x.quantity, x.value, x.query, x.session, x.device, x.geo, x.channel, x.id, x.present,
           x.wrong_type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_batch& x) {
  return f(caf::meta::type_name("persona.shard_batch"), x.shard, x.events, x.indices);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rejection& x) {
  return f(caf::meta::type_name("persona.rejection"), x.index, x.code, x.message);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_outcome& x) {
  return f(caf::meta::type_name("persona.batch_outcome"), x.accepted, x.not_kept, x.rejected);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_stats& x) {
  return f(caf::meta::type_name("persona.shard_stats"), x.shard, x.users, x.events, x.mailbox,
           x.profile_bytes, x.index_bytes, x.symbol_bytes, x.wal_seq, x.wal_synced_seq, x.wal_bytes,
           x.snapshots, x.last_snapshot_bytes, x.last_snapshot_ms, x.segment_sweeps, x.last_sweep_ms,
           x.model_signals_collected, x.erase_compactions, x.expired_profiles, x.events_without_consent);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, item_info& x) {
  return f(caf::meta::type_name("persona.item_info"), x.categories, x.brand, x.price, x.tags);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, item_record& x) {
  return f(caf::meta::type_name("persona.item_record"), x.item, x.info);
}

/// The shared catalog version stays behind: only version and records travel.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, catalog_update& x) {
  return f(caf::meta::type_name("persona.catalog_update"), x.version, x.records);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_snapshot& x) {
  return f(caf::meta::type_name("persona.shard_snapshot"), x.shard, x.wal_seq, x.profiles, x.bytes,
           x.duration_ms);
}

/// A value travels as its binary encoding (value.hpp).
template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                               value& x) {
  auto bytes = encode_value(x);
  return f(caf::meta::type_name("persona.value"), bytes);
}

template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                                value& x) {
  std::string bytes;
  auto load = caf::meta::load_callback([&]() -> caf::error {
    if (!decode_value(bytes, x))
      return caf::make_error(caf::sec::invalid_argument, "malformed persona.value");
    return caf::none;
  });
  return f(caf::meta::type_name("persona.value"), bytes, load);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, aggregate_spec& x) {
  return f(caf::meta::type_name("persona.aggregate_spec"), x.field, x.fn, x.bins, x.edges, x.clamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, aggregate_partial& x) {
  return f(caf::meta::type_name("persona.aggregate_partial"), x.n, x.sum, x.min, x.max, x.counts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_request& x) {
  return f(caf::meta::type_name("persona.query_request"), x.where, x.now_ms, x.limit, x.fields, x.aggregates);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_partial& x) {
  return f(caf::meta::type_name("persona.query_partial"), x.count, x.users, x.aggregates);
}

}  // namespace persona
