// The engine facade's live segments, subscriptions and clusters
// (engine.hpp; docs/segments.md).
#include <set>

#include "actors/engine_impl.hpp"
#include "core/query/condition.hpp"
#include "core/query/field_path.hpp"

namespace persona {

namespace {

/// Reads segment_members' options into `limit` and the cursor's `shard`
/// and `slot` (left as they are when absent); bad_request naming the
/// option when one is not valid.
status parse_members_options(const value& options, size_t shards, uint64_t& limit, uint64_t& shard,
                             uint64_t& slot) {
  if (!options.is_nil() && !options.is_map())
    return {error_code::bad_request, "options must be a map with optional keys limit and cursor"};
  if (auto* l = options.is_map() ? options.find("limit") : nullptr) {
    if (!l->get_uint(limit) || limit < 1 || limit > 10000)
      return {error_code::bad_request, "options.limit must be an integer from 1 to 10000"};
  }
  if (auto* c = options.is_map() ? options.find("cursor") : nullptr; c && !c->is_nil()) {
    auto bad_cursor = status{error_code::bad_request,
                             "options.cursor must be the cursor a previous segment_members answer gave"};
    if (!c->is_string())
      return bad_cursor;
    auto& text = c->as_string();
    auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
        text.find_first_not_of("0123456789:") != std::string::npos ||
        text.find(':', colon + 1) != std::string::npos)
      return bad_cursor;
    shard = std::stoull(text.substr(0, colon));
    slot = std::stoull(text.substr(colon + 1));
    if (shard >= shards)
      return bad_cursor;
  }
  return {};
}

/// Reads train_clusters' options into `out` (k, features, max_iter, seed,
/// with their defaults); bad_request naming the option when one is not
/// valid. REQUIRES: `out` is a map.
status parse_train_options(const value& options, value& out) {
  if (!options.is_nil() && !options.is_map())
    return {error_code::bad_request, "options must be a map with k, features, max_iter, seed"};
  uint64_t k = 8, max_iter = 100, seed = 0;
  auto* ko = options.is_map() ? options.find("k") : nullptr;
  if (ko && (!ko->get_uint(k) || k < 1 || k > 256))
    return {error_code::bad_request, "options.k must be an integer from 1 to 256"};
  auto* mo = options.is_map() ? options.find("max_iter") : nullptr;
  if (mo && (!mo->get_uint(max_iter) || max_iter < 1 || max_iter > 10000))
    return {error_code::bad_request, "options.max_iter must be an integer from 1 to 10000"};
  auto* so = options.is_map() ? options.find("seed") : nullptr;
  if (so && !so->get_uint(seed))
    return {error_code::bad_request, "options.seed must be an unsigned integer"};
  auto* fo = options.is_map() ? options.find("features") : nullptr;
  if (!fo || !fo->is_array() || fo->as_array().empty() || fo->as_array().size() > 32)
    return {error_code::bad_request,
            "options.features must be an array of 1 to 32 numeric profile paths, such as "
            "[\"rfm.monetary\", \"rfm.frequency\"]"};
  for (size_t i = 0; i < fo->as_array().size(); ++i) {
    auto& f = fo->as_array()[i];
    auto ref = f.is_string() ? parse_field_path(f.as_string())
                             : result<field_ref>(status{error_code::bad_request, "must be a string"});
    if (!ref.ok())
      return {error_code::bad_request,
              "options.features[" + std::to_string(i) + "]: " + ref.error().message()};
    if (ref->is_list() || ref->kind == field_kind::user || ref->kind == field_kind::cluster)
      return {error_code::bad_request,
              "options.features[" + std::to_string(i) + "]: '" + f.as_string() + "' is not a numeric field"};
  }
  out.set("k", value{k});
  out.set("features", *fo);
  out.set("max_iter", value{max_iter});
  out.set("seed", value{seed});
  return {};
}

}  // namespace

void engine::define_segment(const std::string& name, const value& where, callback done) {
  auto& im = *impl_;
  auto check = [&]() -> status {
    if (name.empty() || name.size() > max_id_bytes)
      return {error_code::bad_request, "name must be a segment name of 1 to 256 bytes"};
    if (auto st = check_condition_limits(where, im.opts.requests); !st.ok())
      return st;
    auto known = im.segments_now();
    if (auto c = condition::compile(where, nullptr, &known); !c.ok())
      return c.error();
    return {};
  };
  if (!im.enter(done, check))
    return;
  auto* ip = impl_.get();
  im.ask<uint64_t>(
      0, std::move(done),
      [ip, name](uint64_t size) -> result<value> {
        {
          std::lock_guard<std::mutex> guard(ip->segments_mu);
          if (!ip->node_segments.find(name))
            ip->node_segments.names.push_back(name);
        }
        value out{value::map{}};
        out.set("name", value{name});
        out.set("size", value{size});
        return out;
      },
      segdef_atom::value, name, where);
}

void engine::drop_segment(const std::string& name, callback done) {
  auto& im = *impl_;
  if (!im.enter(done))
    return;
  auto* ip = impl_.get();
  im.ask<bool>(
      0, std::move(done),
      [ip, name](bool dropped) -> result<value> {
        {
          std::lock_guard<std::mutex> guard(ip->segments_mu);
          auto& names = ip->node_segments.names;
          names.erase(std::remove(names.begin(), names.end(), name), names.end());
        }
        value out{value::map{}};
        out.set("dropped", value{dropped});
        return out;
      },
      segdrop_atom::value, name);
}

void engine::list_segments(callback done) {
  auto& im = *impl_;
  if (!im.enter(done))
    return;
  im.ask<value>(im.query_gateway(), std::move(done), as_is, seglist_atom::value);
}

void engine::segment_members(const std::string& name, const value& options, callback done) {
  auto& im = *impl_;
  uint64_t limit = 100, shard = 0, slot = 0;
  auto check = [&]() -> status {
    if (auto st = parse_members_options(options, im.opts.shards, limit, shard, slot); !st.ok())
      return st;
    if (!im.segments_now().find(name))
      return {error_code::not_found, "no segment '" + name + "'; list_segments shows them"};
    return {};
  };
  if (!im.enter(done, check))
    return;
  im.ask<value>(im.query_gateway(), std::move(done), as_is, segmembers_atom::value, name, shard, slot, limit);
}

void engine::train_clusters(const value& options, callback done) {
  auto& im = *impl_;
  value o{value::map{}};
  if (!im.enter(done, [&] { return parse_train_options(options, o); }))
    return;
  auto* ip = impl_.get();
  im.ask_within<value>(
      im.opts.snapshot_timeout, im.query_gateway(), std::move(done),
      [ip](value& v) -> result<value> {
        std::lock_guard<std::mutex> guard(ip->segments_mu);
        ip->last_clusters = v;
        return std::move(v);
      },
      train_atom::value, std::move(o));
}

void engine::get_clusters(callback done) {
  auto& im = *impl_;
  if (!im.ready(done))
    return;
  std::lock_guard<std::mutex> guard(im.segments_mu);
  if (im.last_clusters.is_nil())
    return done(status{error_code::not_found, "no clusters yet: train them with train_clusters"});
  done(im.last_clusters);
}

result<uint64_t> engine::subscribe(const std::vector<std::string>& segments, segment_sink sink) {
  auto& im = *impl_;
  if (auto st = im.gate(); !st.ok())
    return st;
  auto known = im.segments_now();
  std::set<std::string> names;
  for (auto& s : segments) {
    if (!known.find(s))
      return status{error_code::not_found,
                    "no segment '" + s + "'; define it first (list_segments shows them)"};
    names.insert(s);
  }
  return im.hub->subscribe(std::move(names), [sink = std::move(sink)](std::vector<segment_event>& events) {
    value::array out;
    out.reserve(events.size());
    for (auto& e : events) {
      value m{value::map{}};
      m.set("segment", value{e.segment});
      m.set("user", value{e.user});
      m.set("entered", value{e.entered});
      m.set("ts", value{e.ts});
      out.push_back(std::move(m));
    }
    sink(out);
  });
}

void engine::unsubscribe(uint64_t id) {
  impl_->hub->unsubscribe(id);
}

}  // namespace persona
