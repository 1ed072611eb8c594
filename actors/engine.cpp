// The engine's calls on events, profiles, queries and snapshots, and its
// readiness (engine.hpp): each checks its input at the edge, then goes
// straight to a shard or to the coordinator through a gateway.
#include "actors/engine.hpp"

#include <atomic>
#include <caf/all.hpp>
#include <mutex>

#include "actors/engine_impl.hpp"
#include "actors/error_conversion.hpp"
#include "actors/gateway_actor.hpp"
#include "actors/message_types.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_ingest.hpp"
#include "actors/shard_read.hpp"
#include "core/profile/attributes.hpp"
#include "core/profile/event_validation.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/query/profile_view.hpp"
#include "core/query/query.hpp"
#include "core/util/prefetch.hpp"
#include "core/util/user_router.hpp"

namespace persona {

namespace {

/// The answer's "rejected" list: [{"index", "code", "message"}].
value rejections_value(const std::vector<rejection>& rejected) {
  value::array out;
  out.reserve(rejected.size());
  for (auto& r : rejected) {
    value m{value::map{}};
    m.set("index", value{static_cast<uint64_t>(r.index)});
    m.set("code", value{r.code});
    m.set("message", value{r.message});
    out.push_back(std::move(m));
  }
  return value{std::move(out)};
}

}  // namespace

status check_user_id(const std::string& what, const std::string& user) {
  if (user.empty() || user.size() > max_id_bytes)
    return {error_code::bad_request, what + " must be a user id of 1 to 256 bytes"};
  return {};
}

engine::engine(engine_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

engine::~engine() = default;

const engine_options& engine::options() const {
  return impl_->opts;
}

int64_t engine::now_ms() const {
  return impl_->clock->now_ms();
}

/// How many events ahead engine::ingest() prefetches the event it will route.
constexpr size_t ingest_prefetch_distance = 6;

void engine::ingest(std::vector<event> events, callback done) {
  auto& im = *impl_;
  auto check = [&]() -> status {
    if (events.size() > im.opts.max_batch_events)
      return {error_code::bad_request, "an ingest batch may hold at most " +
                                           std::to_string(im.opts.max_batch_events) +
                                           " events; split it into smaller batches"};
    return {};
  };
  if (!im.enter(done, check))
    return;
  int64_t wall = im.clock->wall_ms();
  int64_t max_future = im.opts.max_future.count();
  std::vector<shard_batch> per_shard(im.shards.size());
  for (auto& part : per_shard) {
    // A little over an even share, so the parts rarely grow while filling.
    part.events.reserve(events.size() / per_shard.size() + events.size() / 8 + 1);
    part.indices.reserve(part.events.capacity());
  }
  std::vector<rejection> rejected;
  for (size_t i = 0; i < events.size(); ++i) {
    // The loop streams through 360-byte events, which a large batch holds
    // mostly outside the cache: fetch a few ahead of the one routed.
    if (i + ingest_prefetch_distance < events.size())
      prefetch_bytes(&events[i + ingest_prefetch_distance], sizeof(event));
    event& e = events[i];
    if (!e.has(event_key::ts)) {
      e.ts = wall;
      e.mark(event_key::ts);
    }
    auto r = validate_event(e);
    if (!r)
      r = check_event_time(e, wall, max_future);
    if (!r)
      r = check_limits(e, im.opts.limits);
    if (r) {
      r->index = static_cast<uint32_t>(i);
      rejected.push_back(std::move(*r));
      continue;
    }
    // Devices, geos, sessions (and user ids) are kept only as keyed hashes.
    im.ids.apply(e);
    if (im.opts.dedupe_without_id && !e.has(event_key::id))
      e.present |= dedupe_by_content_bit;
    auto& b = per_shard[shard_of(e.user, per_shard.size())];
    b.events.push_back(std::move(e));
    b.indices.push_back(static_cast<uint32_t>(i));
  }
  std::vector<uint32_t> shards;
  for (size_t s = 0; s < per_shard.size(); ++s)
    if (!per_shard[s].events.empty())
      shards.push_back(static_cast<uint32_t>(s));
  auto* ip = impl_.get();
  // Invalid events count at once; a shard's rejections (duplicates) when it
  // answers, which is after its events are visible to reads.
  ip->rejected.fetch_add(rejected.size(), std::memory_order_relaxed);
  auto answer = [ip, done = std::move(done),
                 rejected = std::move(rejected)](result<batch_outcome> r) mutable {
    if (!r.ok())
      return ip->finish(done, r.error());
    auto& o = *r;
    ip->accepted.fetch_add(o.accepted, std::memory_order_relaxed);
    ip->rejected.fetch_add(o.rejected.size(), std::memory_order_relaxed);
    for (auto& x : o.rejected)
      rejected.push_back(std::move(x));
    std::sort(rejected.begin(), rejected.end(), [](auto& a, auto& b) { return a.index < b.index; });
    value out{value::map{}};
    out.set("accepted", value{static_cast<uint64_t>(o.accepted)});
    if (o.not_kept > 0)
      out.set("not_kept", value{static_cast<uint64_t>(o.not_kept)});
    out.set("rejected", rejections_value(rejected));
    ip->finish(done, std::move(out));
  };
  if (shards.empty())
    return answer(batch_outcome{});
  // Each part goes straight to its shard; the join answers when all are in.
  auto join = std::make_shared<batch_join>(shards, std::move(answer));
  for (uint32_t part = 0; part < shards.size(); ++part) {
    auto shard = shards[part];
    per_shard[shard].shard = shard;
    post_ingest(im.shards[shard], shard_ingest{std::move(per_shard[shard]), join, part});
  }
}

void engine::upsert_items(const value& items, callback done) {
  auto& im = *impl_;
  // enter()'s checks, taken apart: an update whose every item is rejected
  // is answered between them, without being counted in.
  if (!im.ready(done))
    return;
  if (!items.is_array())
    return done(status{error_code::bad_request, "items must be an array of item maps"});
  std::vector<item_record> records;
  std::vector<rejection> rejected;
  for (size_t i = 0; i < items.as_array().size(); ++i) {
    item_record r;
    auto bad = parse_item_record(items.as_array()[i], r);
    if (!bad)
      bad = check_item_price(r.info.price, im.opts.limits);
    if (bad) {
      bad->index = static_cast<uint32_t>(i);
      rejected.push_back(std::move(*bad));
      continue;
    }
    records.push_back(std::move(r));
  }
  size_t upserted = records.size();
  auto convert = [upserted, rejected = std::move(rejected)](uint64_t) -> result<value> {
    value out{value::map{}};
    out.set("upserted", value{static_cast<uint64_t>(upserted)});
    out.set("rejected", rejections_value(rejected));
    return out;
  };
  if (records.empty()) {
    uint64_t none = 0;
    return done(convert(none));
  }
  if (!im.admit(done))
    return;
  // Every shard logs the records and switches to the new version in its
  // own order of changes; versions go out in the order they are made.
  std::lock_guard<std::mutex> guard(im.upsert_mu);
  catalog_update update;
  update.catalog = im.items->upsert(records);
  update.version = update.catalog->version();
  update.records = std::move(records);
  im.ask<uint64_t>(0, std::move(done), std::move(convert), catalog_atom::value, std::move(update));
}

void engine::set_attributes(const std::string& client_user, const value& attributes, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  auto check = [&]() -> status {
    if (auto st = check_user_id("user", user); !st.ok())
      return st;
    return validate_attributes(attributes, im.opts.profile.caps.attributes);
  };
  if (!im.enter(done, check))
    return;
  im.ask<std::string>(
      im.query_gateway(), std::move(done),
      [](std::string& u) -> result<value> {
        value out{value::map{}};
        out.set("user", value{u});
        return out;
      },
      attrs_atom::value, user, attributes);
}

void engine::get_profile(const std::string& client_user, const value& options, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  std::vector<std::string> fields;
  int64_t now = 0;
  auto check = [&]() -> status {
    if (auto st = check_user_id("user", user); !st.ok())
      return st;
    if (!options.is_nil() && !options.is_map())
      return {error_code::bad_request, "options must be a map with optional keys fields and now"};
    auto f = parse_fields_option(options);
    if (!f.ok())
      return f.error();
    auto n = parse_now_option(options, now_ms());
    if (!n.ok())
      return n.error();
    fields = std::move(*f);
    now = *n;
    return {};
  };
  if (!im.enter(done, check))
    return;
  // A point read goes straight to the user's shard and overtakes queued
  // ingest batches there: it waits for at most the batch being applied.
  auto shard = shard_of(user, im.shards.size());
  auto* ip = impl_.get();
  auto answer = std::make_shared<answer_once>(
      [ip, done = std::move(done)](result<value> r) { ip->finish(done, std::move(r)); },
      "shard " + std::to_string(shard));
  post_read(im.shards[shard],
            shard_read{user, now, std::move(fields), std::move(answer), read_kind::profile, {}});
}

void engine::delete_profile(const std::string& user, callback done) {
  delete_profile(user, value{}, std::move(done));
}

void engine::delete_profile(const std::string& client_user, const value& options, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  bool durable = false;
  auto check = [&]() -> status {
    if (auto st = check_user_id("user", user); !st.ok())
      return st;
    if (options.is_nil())
      return {};
    auto* d = options.is_map() ? options.find("durable") : nullptr;
    if (!options.is_map() || (d && !d->is_bool()) || options.as_map().size() > (d ? 1u : 0u))
      return {error_code::bad_request, "options must be a map with an optional key durable (a bool)"};
    durable = d && d->as_bool();
    return {};
  };
  if (!im.enter(done, check))
    return;
  auto convert = [](bool deleted) -> result<value> {
    value out{value::map{}};
    out.set("deleted", value{deleted});
    return out;
  };
  // A durable delete waits for a snapshot of the user's shard.
  auto timeout = durable ? im.opts.snapshot_timeout + std::chrono::seconds(1) : im.gateway_timeout();
  im.ask_within<bool>(timeout, 0, std::move(done), convert, erase_atom::value, user, durable);
}

void engine::merge_profiles(const std::string& client_source, const std::string& client_target,
                            callback done) {
  const std::string source = impl_->ids.user(client_source);
  const std::string target = impl_->ids.user(client_target);
  auto& im = *impl_;
  auto check = [&]() -> status {
    if (auto st = check_user_id("source", source); !st.ok())
      return st;
    if (auto st = check_user_id("target", target); !st.ok())
      return st;
    if (source == target)
      return {error_code::bad_request, "source and target are the same user; nothing to merge"};
    return {};
  };
  if (!im.enter(done, check))
    return;
  im.ask<value>(0, std::move(done), as_is, merge_atom::value, source, target, now_ms(),
                std::vector<std::string>{});
}

void engine::query(const value& where, const value& options, callback done) {
  auto& im = *impl_;
  query_request request;
  auto check = [&]() -> status {
    if (auto st = check_condition_limits(where, im.opts.requests); !st.ok())
      return st;
    if (auto* aggregate = options.find("aggregate"))
      if (auto st = check_aggregate_limits(*aggregate, im.opts.requests); !st.ok())
        return st;
    auto known = im.segments_now();
    auto q = parse_query(where, options, now_ms(), &known);
    if (!q.ok())
      return q.error();
    request = std::move(*q);
    return {};
  };
  if (!im.enter(done, check))
    return;
  im.ask<value>(im.query_gateway(), std::move(done), as_is, query_atom::value, std::move(request));
}

void engine::snapshot(callback done) {
  auto& im = *impl_;
  auto check = [&]() -> status {
    if (im.opts.data_dir.empty())
      return {error_code::unavailable,
              "this node keeps no data directory, so it writes no snapshots; "
              "start personad with --data-dir"};
    return {};
  };
  if (!im.enter(done, check))
    return;
  auto started = std::chrono::steady_clock::now();
  auto* ip = impl_.get();
  auto timeout = im.opts.snapshot_timeout;
  auto coord = im.coordinator;
  post_to_gateway(im.gateways[im.query_gateway()], gateway_task{[=](caf::event_based_actor* self) {
                    self->request(coord, timeout, snapshot_atom::value)
                        .then(
                            [=](std::vector<shard_snapshot>& all) {
                              uint64_t bytes = 0;
                              for (auto& s : all)
                                bytes += s.bytes;
                              value out{value::map{}};
                              out.set("shards", value{static_cast<uint64_t>(all.size())});
                              out.set("bytes", value{bytes});
                              out.set("duration_ms", value{std::chrono::duration<double, std::milli>(
                                                               std::chrono::steady_clock::now() - started)
                                                               .count()});
                              ip->finish(done, std::move(out));
                            },
                            [=](caf::error& err) {
                              ip->finish(done, from_caf_error(err, "the coordinator", timeout.count()));
                            });
                  }});
}

bool engine::ready() const {
  return impl_->phase.load(std::memory_order_acquire) == impl::serving;
}

status engine::readiness() const {
  return impl_->gate();
}

status engine::wait_ready() {
  auto& im = *impl_;
  std::unique_lock<std::mutex> lock(im.phase_mu);
  im.phase_changed.wait(lock, [&] { return im.phase.load() != impl::recovering; });
  lock.unlock();
  return im.gate();
}

}  // namespace persona
