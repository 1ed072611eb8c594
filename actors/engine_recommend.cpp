// The engine's recommendation and prediction methods (engine.hpp): point
// reads go straight to the user's shard; similar_items reads the published
// item model on the caller's thread; similar_users reads the user's
// likeness from their shard, then scans every shard through a gateway.
#include <algorithm>

#include "actors/engine_impl.hpp"
#include "actors/fan_out.hpp"
#include "actors/shard_read.hpp"
#include "core/model/recommender.hpp"
#include "core/query/query.hpp"
#include "core/util/user_router.hpp"

namespace persona {

namespace {

/// unavailable when the node keeps no item model.
status check_enabled(const engine_options& o) {
  if (o.recommendations)
    return {};
  return {error_code::unavailable,
          "this node runs without recommendations (--recommendations=off); start it with them on"};
}

/// `k` as an integer from 1 to `max`, or a bad_request naming it.
result<size_t> parse_k(const value& k, size_t max) {
  uint64_t n = 0;
  if (!k.get_uint(n) || n < 1 || n > max)
    return status{error_code::bad_request, "k must be an integer from 1 to " + std::to_string(max)};
  return static_cast<size_t>(n);
}

/// The checks every per-user call here starts with, after enter()'s
/// readiness: an item model, a valid user id; then k.
result<size_t> check_user_call(const engine_options& o, const std::string& user, const value& k) {
  if (auto st = check_enabled(o); !st.ok())
    return st;
  if (auto st = check_user_id("user", user); !st.ok())
    return st;
  return parse_k(k, o.max_recommend_k);
}

/// A bad_request naming the first key of `options` not in `known`.
status check_option_keys(const value& options, std::initializer_list<const char*> known, const char* method) {
  if (options.is_nil())
    return {};
  std::string names;
  for (auto* k : known)
    names += (names.empty() ? "" : ", ") + std::string(k);
  if (!options.is_map())
    return {error_code::bad_request,
            std::string(method) + " options must be a map with optional keys " + names};
  for (auto& [key, v] : options.as_map())
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
      return {error_code::bad_request,
              std::string(method) + " has no option '" + key + "'; its options are " + names};
  return {};
}

}  // namespace

void engine::recommend(const std::string& client_user, const value& k, const value& options, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  shard_read read;
  auto check = [&]() -> status {
    auto n = check_user_call(im.opts, user, k);
    if (!n.ok())
      return n.error();
    if (auto st = check_option_keys(options, {"strategy", "exclude_seen", "category", "now"}, "recommend");
        !st.ok())
      return st;
    read.kind = read_kind::recommend;
    read.user = user;
    read.recommend.k = *n;
    if (auto* s = options.is_map() ? options.find("strategy") : nullptr; s && !s->is_nil()) {
      auto strategy = s->is_string() ? rec_strategy_from_string(s->as_string()) : std::nullopt;
      if (!strategy)
        return {error_code::bad_request,
                "options.strategy must be one of auto, popular, item_cf, content, mf"};
      read.recommend.strategy = *strategy;
    }
    if (auto* e = options.is_map() ? options.find("exclude_seen") : nullptr; e && !e->is_nil()) {
      if (!e->is_bool())
        return {error_code::bad_request, "options.exclude_seen must be true or false"};
      read.recommend.exclude_seen = e->as_bool();
    }
    if (auto* c = options.is_map() ? options.find("category") : nullptr; c && !c->is_nil()) {
      if (!c->is_string() || c->as_string().empty())
        return {error_code::bad_request, "options.category must be a category name"};
      auto id = im.models->categories()->find(c->as_string());
      // A category no event has named yet: nothing is in it.
      read.recommend.category = id == name_index::npos ? name_index::npos - 1 : id;
    }
    auto now = parse_now_option(options, now_ms());
    if (!now.ok())
      return now.error();
    read.now_ms = *now;
    return {};
  };
  if (!im.enter(done, check))
    return;
  auto* ip = impl_.get();
  im.read_user(std::move(read),
               [ip, done = std::move(done)](result<value> r) { ip->finish(done, std::move(r)); });
}

void engine::predict(const std::string& client_user, const value& options, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  int64_t now = 0;
  auto check = [&]() -> status {
    if (auto st = check_user_id("user", user); !st.ok())
      return st;
    if (auto st = check_option_keys(options, {"now"}, "predict"); !st.ok())
      return st;
    auto n = parse_now_option(options, now_ms());
    if (!n.ok())
      return n.error();
    now = *n;
    return {};
  };
  if (!im.enter(done, check))
    return;
  shard_read read;
  read.kind = read_kind::predict;
  read.user = user;
  read.now_ms = now;
  auto* ip = impl_.get();
  im.read_user(std::move(read),
               [ip, done = std::move(done)](result<value> r) { ip->finish(done, std::move(r)); });
}

void engine::similar_items(const std::string& item, const value& k, callback done) {
  auto& im = *impl_;
  // Answered here from the published model, so not counted in.
  if (!im.ready(done))
    return;
  if (auto st = check_enabled(im.opts); !st.ok())
    return done(st);
  if (item.empty() || item.size() > max_id_bytes)
    return done(status{error_code::bad_request, "item must be an item id of 1 to 256 bytes"});
  auto n = parse_k(k, im.opts.max_recommend_k);
  if (!n.ok())
    return done(n.error());
  auto model = im.models->current();
  auto id = model->items->find(item);
  if (id == name_index::npos || id >= model->item_count())
    return done(status{error_code::not_found, "no event has mentioned item '" + item +
                                                  "' yet (or the item model has not caught up; "
                                                  "it publishes every " +
                                                  std::to_string(im.opts.model_publish_interval.count()) +
                                                  " ms)"});
  value::array items;
  for (auto& nb : persona::similar_items(*model, id, *n)) {
    value entry{value::map{}};
    entry.set("item", value{model->items->name(nb.item)});
    entry.set("score", value{static_cast<double>(nb.score)});
    items.push_back(std::move(entry));
  }
  value out{value::map{}};
  out.set("items", value{std::move(items)});
  done(std::move(out));
}

void engine::similar_users(const std::string& client_user, const value& k, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  uint64_t limit = 0;
  auto check = [&]() -> status {
    auto n = check_user_call(im.opts, user, k);
    if (!n.ok())
      return n.error();
    limit = *n;
    return {};
  };
  if (!im.enter(done, check))
    return;
  auto* ip = impl_.get();
  shard_read read;
  read.kind = read_kind::likeness;
  read.user = user;
  im.read_user(std::move(read), [ip, user, limit, done = std::move(done)](result<value> likeness) {
    if (!likeness.ok())
      return ip->finish(done, std::move(likeness));
    auto shards = ip->shards;
    auto timeout = ip->opts.shard_timeout;
    auto query = std::make_shared<value>(std::move(*likeness));
    post_to_gateway(ip->gateways[ip->query_gateway()], gateway_task{[=](caf::event_based_actor* self) {
                      fan_out<value>(
                          self, shards, timeout, [](size_t i) { return "shard " + std::to_string(i); },
                          [=](std::vector<value>& parts, std::optional<status> err) {
                            if (err)
                              return ip->finish(done, *err);
                            std::vector<std::pair<std::string, double>> all;
                            for (auto& part : parts)
                              for (auto& e : part.as_array())
                                all.emplace_back(e.as_array()[0].as_string(), e.as_array()[1].as_double());
                            std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
                              return a.second != b.second ? a.second > b.second : a.first < b.first;
                            });
                            if (all.size() > limit)
                              all.resize(limit);
                            value::array users;
                            for (auto& [id, score] : all) {
                              value entry{value::map{}};
                              entry.set("user", value{id});
                              entry.set("score", value{score});
                              users.push_back(std::move(entry));
                            }
                            value out{value::map{}};
                            out.set("users", value{std::move(users)});
                            ip->finish(done, std::move(out));
                          },
                          similar_atom::value, *query, limit, user);
                    }});
  });
}

void engine::refresh_item_model(callback done) {
  auto& im = *impl_;
  if (!im.enter(done, [&] { return check_enabled(im.opts); }))
    return;
  auto* ip = impl_.get();
  auto shards = im.shards;
  auto model = im.item_model;
  auto timeout = im.gateway_timeout();
  post_to_gateway(im.gateways[im.query_gateway()], gateway_task{[=](caf::event_based_actor* self) {
                    fan_out<bool>(
                        self, shards, timeout, [](size_t i) { return "shard " + std::to_string(i); },
                        [=](std::vector<bool>&, std::optional<status> err) {
                          if (err)
                            return ip->finish(done, *err);
                          // Every shard's batch is in the model's mailbox ahead of this.
                          self->request(model, timeout, refresh_atom::value)
                              .then(
                                  [=](uint64_t version) {
                                    value out{value::map{}};
                                    out.set("version", value{version});
                                    ip->finish(done, std::move(out));
                                  },
                                  [=](caf::error& e) {
                                    ip->finish(done, from_caf_error(e, "the item model", timeout.count()));
                                  });
                        },
                        feed_atom::value, true);
                  }});
}

}  // namespace persona
