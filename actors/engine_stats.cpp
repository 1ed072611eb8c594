// The engine's stats answer (engine.hpp; its fields: docs/protocol.md):
// the shards' figures gathered by the coordinator, with the node's
// counters, memory, process, durability settings and item model.
#include <chrono>

#include "actors/engine_impl.hpp"
#include "core/os/allocator_stats.hpp"
#include "core/os/memory_reserve.hpp"
#include "core/os/process_usage.hpp"

namespace persona {

namespace {

/// The stats answer's item_model map: the published version and the
/// backlog; `collected`: signals the shards hold and have not sent yet.
value item_model_stats(const item_model& m, const model_backlog* backlog, uint64_t collected) {
  value out{value::map{}};
  out.set("version", value{m.version});
  out.set("items", value{static_cast<uint64_t>(m.item_count())});
  out.set("signals", value{m.signals});
  out.set("lag_ms", value{m.lag_ms});
  out.set("age_ms",
          value{m.version == 0 ? 0.0 : static_cast<double>(steady_now_ns() - m.published_ns) / 1e6});
  out.set("learnt", value{m.learnt});
  out.set("propensity_examples", value{m.propensity_examples});
  out.set("churn_examples", value{m.churn_examples});
  out.set("factors", value{m.factors != nullptr});
  if (backlog) {
    out.set("waiting_signals", value{backlog->waiting()});
    out.set("dropped_signals", value{backlog->dropped()});
    out.set("max_waiting_signals", value{backlog->max_signals()});
    out.set("caught_up", value{collected == 0 && backlog->caught_up()});
  }
  return out;
}

}  // namespace

void engine::stats(callback done) {
  auto& im = *impl_;
  if (!im.enter(done))
    return;
  auto* ip = impl_.get();
  int64_t now = now_ms();
  im.ask<std::vector<shard_stats>>(
      im.query_gateway(), std::move(done),
      [ip, now](std::vector<shard_stats>& all) -> result<value> {
        uint64_t users = 0, profile_bytes = 0, index_bytes = 0, symbol_bytes = 0, compactions = 0,
                 expired = 0, not_kept = 0;
        value::array shards;
        for (auto& s : all) {
          users += s.users;
          profile_bytes += s.profile_bytes;
          index_bytes += s.index_bytes;
          symbol_bytes += s.symbol_bytes;
          compactions += s.erase_compactions;
          expired += s.expired_profiles;
          not_kept += s.events_without_consent;
          value m{value::map{}};
          m.set("shard", value{static_cast<uint64_t>(s.shard)});
          m.set("users", value{s.users});
          m.set("events", value{s.events});
          m.set("mailbox", value{s.mailbox});
          m.set("segment_sweeps", value{s.segment_sweeps});
          m.set("last_sweep_ms", value{s.last_sweep_ms});
          if (!ip->opts.data_dir.empty()) {
            m.set("wal_seq", value{s.wal_seq});
            m.set("wal_synced_seq", value{s.wal_synced_seq});
            m.set("wal_bytes", value{s.wal_bytes});
            m.set("snapshots", value{s.snapshots});
            m.set("last_snapshot_bytes", value{s.last_snapshot_bytes});
            m.set("last_snapshot_ms", value{s.last_snapshot_ms});
          }
          shards.push_back(std::move(m));
        }
        auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - ip->started).count();
        value out{value::map{}};
        out.set("users", value{users});
        out.set("events_accepted", value{ip->accepted.load()});
        out.set("events_rejected", value{ip->rejected.load()});
        out.set("profiles_expired", value{expired});
        out.set("events_not_kept", value{not_kept});
        out.set("uptime_s", value{uptime});
        out.set("now", value{now});
        out.set("items", value{static_cast<uint64_t>(ip->items->current()->size())});
        out.set("in_flight", value{static_cast<uint64_t>(ip->in_flight.load())});
        value memory{value::map{}};
        memory.set("profile_bytes", value{profile_bytes});
        memory.set("index_bytes", value{index_bytes});
        memory.set("symbol_bytes", value{symbol_bytes});
        memory.set("bytes_per_profile",
                   value{users ? static_cast<double>(profile_bytes + index_bytes) / users : 0.0});
        if (auto reserve = read_memory_reserve(); reserve.active) {
          value r{value::map{}};
          r.set("reserved_bytes", value{static_cast<uint64_t>(reserve.reserved_bytes)});
          r.set("used_bytes", value{static_cast<uint64_t>(reserve.used_bytes)});
          r.set("warmed_bytes", value{static_cast<uint64_t>(reserve.warmed_bytes)});
          r.set("outside_extents", value{reserve.outside_extents});
          r.set("kept_purges", value{reserve.kept_purges});
          memory.set("reserve", std::move(r));
        }
        if (auto heap = read_allocator_stats(); heap.available) {
          value a{value::map{}};
          a.set("allocated_bytes", value{static_cast<uint64_t>(heap.allocated)});
          a.set("active_bytes", value{static_cast<uint64_t>(heap.active)});
          a.set("metadata_bytes", value{static_cast<uint64_t>(heap.metadata)});
          a.set("resident_bytes", value{static_cast<uint64_t>(heap.resident)});
          a.set("mapped_bytes", value{static_cast<uint64_t>(heap.mapped)});
          a.set("retained_bytes", value{static_cast<uint64_t>(heap.retained)});
          memory.set("allocator", std::move(a));
        }
        out.set("memory", std::move(memory));
        auto usage = read_process_usage();
        value process{value::map{}};
        process.set("rss_bytes", value{usage.rss_bytes});
        process.set("minor_faults", value{usage.minor_faults});
        process.set("major_faults", value{usage.major_faults});
        out.set("process", std::move(process));
        value durability{value::map{}};
        durability.set("data_dir", ip->opts.data_dir.empty() ? value{} : value{ip->opts.data_dir});
        durability.set("fsync", value{std::string(to_string(ip->opts.fsync))});
        durability.set("fsync_interval_ms", value{static_cast<uint64_t>(ip->opts.fsync_interval.count())});
        durability.set("snapshot_interval_s",
                       value{static_cast<uint64_t>(ip->opts.snapshot_interval.count() / 1000)});
        durability.set("erase_max_delay_s",
                       value{static_cast<uint64_t>(ip->opts.erase_max_delay.count() / 1000)});
        durability.set("erase_compactions", value{compactions});
        out.set("durability", std::move(durability));
        uint64_t collected = 0;
        for (auto& s : all)
          collected += s.model_signals_collected;
        out.set("item_model", item_model_stats(*ip->models->current(), ip->backlog.get(), collected));
        out.set("shards", value{std::move(shards)});
        return out;
      },
      stats_atom::value);
}

}  // namespace persona
