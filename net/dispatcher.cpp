#include "net/dispatcher.hpp"

#include "net/event_decoder.hpp"
#include "net/msgpack_value.hpp"

namespace persona::net {

namespace {

constexpr const char* kVersion = "0.1.0";

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

/// The method's role, or 0 for methods everyone may call.
struct method_info {
  const char* name;
  uint8_t role;
};

constexpr method_info kMethods[] = {
    {"hello", 0},
    {"ping", 0},
    {"stats", role_query},
    {"snapshot", role_admin},
    {"ingest", role_ingest},
    {"upsert_items", role_ingest},
    {"set_attributes", role_ingest},
    {"get_profile", role_query},
    {"query", role_query},
    {"delete_profile", role_admin},
    {"merge_profiles", role_admin},
    {"define_segment", role_admin},
    {"drop_segment", role_admin},
    {"list_segments", role_query},
    {"segment_members", role_query},
    {"subscribe", role_query},
    {"train_clusters", role_admin},
    {"get_clusters", role_query},
    {"recommend", role_query},
    {"similar_items", role_query},
    {"similar_users", role_query},
    {"predict", role_query},
};

const method_info* find_method(const std::string& name) {
  for (auto& m : kMethods)
    if (name == m.name)
      return &m;
  return nullptr;
}

/// Params as an array view with positional access.
struct params_view {
  const msgpack::object& o;
  uint32_t size() const { return o.via.array.size; }
  const msgpack::object& at(uint32_t i) const { return o.via.array.ptr[i]; }
  bool has(uint32_t i) const { return i < size() && at(i).type != msgpack::type::NIL; }
};

status arity(const std::string& method, const params_view& p, uint32_t min, uint32_t max, const char* shape) {
  if (p.size() < min || p.size() > max)
    return bad(method + " takes params " + shape + ", got " + std::to_string(p.size()) + " element(s)");
  return {};
}

result<std::string> user_param(const params_view& p, uint32_t i, const char* name) {
  std::string id;
  if (!read_id(p.at(i), id))
    return bad(std::string(name) + " must be a user id: a string of 1 to 256 bytes or an unsigned integer");
  return id;
}

result<value> options_param(const params_view& p, uint32_t i, const std::string& method) {
  if (!p.has(i))
    return value{};
  auto v = to_value(p.at(i), "options");
  if (!v.ok())
    return v;
  if (!v->is_map())
    return bad(method + ": options must be a map");
  return v;
}

/// k at `i`: an unsigned integer, 10 when absent (the engine checks the range).
result<value> k_param(const params_view& p, uint32_t i) {
  if (!p.has(i))
    return value{uint64_t{10}};
  auto v = to_value(p.at(i), "k");
  if (!v.ok())
    return v;
  uint64_t k = 0;
  if (!v->get_uint(k))
    return bad("k must be an unsigned integer: how many items or users to answer");
  return v;
}

}  // namespace

dispatcher::dispatcher(engine& eng, const node_config& cfg, network_counters& counters)
    : engine_(eng), cfg_(cfg), counters_(counters) {}

void dispatcher::handle_request(const std::string& method, const msgpack::object& params,
                                connection_state& conn, reply done) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  auto* info = find_method(method);
  if (!info)
    return done(status{error_code::unknown_method,
                       "no method '" + method +
                           "'; methods: hello, ping, stats, snapshot, ingest, upsert_items, "
                           "set_attributes, get_profile, delete_profile, merge_profiles, query, "
                           "define_segment, drop_segment, list_segments, segment_members, subscribe, "
                           "train_clusters, get_clusters, recommend, similar_items, similar_users, predict"});
  if (info->role != 0) {
    if (!cfg_.tokens.empty() && !conn.authenticated)
      return done(status{error_code::unauthenticated,
                         "this node requires a token: send hello with options {\"token\": ...} first"});
    if ((conn.roles & info->role) != info->role)
      return done(status{error_code::forbidden, "the token's roles do not allow " + method +
                                                    "; it needs the role " + role_names(info->role).front()});
  }
  params_view p{params};
  if (method == "hello")
    return hello(params, conn, done);
  if (method == "ping") {
    if (p.size() != 0)
      return done(bad("ping takes no params"));
    // A recovering node says so instead of pong.
    if (auto st = engine_.readiness(); !st.ok())
      return done(st);
    return done(value{"pong"});
  }
  if (method == "stats") {
    if (p.size() != 0)
      return done(bad("stats takes no params"));
    return stats(std::move(done));
  }
  if (method == "snapshot") {
    if (p.size() != 0)
      return done(bad("snapshot takes no params"));
    return engine_.snapshot(std::move(done));
  }
  if (method == "ingest")
    return ingest(params, std::move(done));
  if (method == "upsert_items") {
    if (auto st = arity(method, p, 1, 2, "[items, options]"); !st.ok())
      return done(st);
    auto items = to_value(p.at(0), "items");
    if (!items.ok())
      return done(items.error());
    return engine_.upsert_items(*items, std::move(done));
  }
  if (method == "set_attributes") {
    if (auto st = arity(method, p, 2, 3, "[user, attributes]"); !st.ok())
      return done(st);
    auto user = user_param(p, 0, "user");
    if (!user.ok())
      return done(user.error());
    auto attrs = to_value(p.at(1), "attributes");
    if (!attrs.ok())
      return done(attrs.error());
    return engine_.set_attributes(*user, *attrs, std::move(done));
  }
  if (method == "get_profile" || method == "predict") {
    if (auto st = arity(method, p, 1, 2, "[user, options]"); !st.ok())
      return done(st);
    auto user = user_param(p, 0, "user");
    if (!user.ok())
      return done(user.error());
    auto options = options_param(p, 1, method);
    if (!options.ok())
      return done(options.error());
    if (method == "predict")
      return engine_.predict(*user, *options, std::move(done));
    return engine_.get_profile(*user, *options, std::move(done));
  }
  if (method == "recommend" || method == "similar_items" || method == "similar_users") {
    bool items = method == "similar_items";
    const char* shape = method == "recommend" ? "[user, k, options]" : items ? "[item, k]" : "[user, k]";
    if (auto st = arity(method, p, 1, method == "recommend" ? 3 : 2, shape); !st.ok())
      return done(st);
    std::string id;
    if (!read_id(p.at(0), id))
      return done(bad(std::string(items ? "item" : "user") +
                      " must be an id: a string of 1 to 256 bytes or an unsigned integer"));
    auto k = k_param(p, 1);
    if (!k.ok())
      return done(k.error());
    if (items)
      return engine_.similar_items(id, *k, std::move(done));
    if (method == "similar_users")
      return engine_.similar_users(id, *k, std::move(done));
    auto options = options_param(p, 2, method);
    if (!options.ok())
      return done(options.error());
    return engine_.recommend(id, *k, *options, std::move(done));
  }
  if (method == "delete_profile") {
    if (auto st = arity(method, p, 1, 2, "[user]"); !st.ok())
      return done(st);
    auto user = user_param(p, 0, "user");
    if (!user.ok())
      return done(user.error());
    return engine_.delete_profile(*user, std::move(done));
  }
  if (method == "merge_profiles") {
    if (auto st = arity(method, p, 2, 3, "[source, target]"); !st.ok())
      return done(st);
    auto source = user_param(p, 0, "source");
    if (!source.ok())
      return done(source.error());
    auto target = user_param(p, 1, "target");
    if (!target.ok())
      return done(target.error());
    return engine_.merge_profiles(*source, *target, std::move(done));
  }
  if (method == "query") {
    if (auto st = arity(method, p, 1, 2, "[where, options]"); !st.ok())
      return done(st);
    auto where = to_value(p.at(0), "where");
    if (!where.ok())
      return done(where.error());
    auto options = options_param(p, 1, method);
    if (!options.ok())
      return done(options.error());
    return engine_.query(*where, *options, std::move(done));
  }
  if (method == "define_segment") {
    if (auto st = arity(method, p, 2, 2, "[name, where]"); !st.ok())
      return done(st);
    auto name = user_param(p, 0, "name");
    if (!name.ok())
      return done(name.error());
    auto where = to_value(p.at(1), "where");
    if (!where.ok())
      return done(where.error());
    return engine_.define_segment(*name, *where, std::move(done));
  }
  if (method == "drop_segment") {
    if (auto st = arity(method, p, 1, 1, "[name]"); !st.ok())
      return done(st);
    auto name = user_param(p, 0, "name");
    if (!name.ok())
      return done(name.error());
    return engine_.drop_segment(*name, std::move(done));
  }
  if (method == "list_segments") {
    if (p.size() != 0)
      return done(bad("list_segments takes no params"));
    return engine_.list_segments(std::move(done));
  }
  if (method == "segment_members") {
    if (auto st = arity(method, p, 1, 2, "[name, options]"); !st.ok())
      return done(st);
    auto name = user_param(p, 0, "name");
    if (!name.ok())
      return done(name.error());
    auto options = options_param(p, 1, method);
    if (!options.ok())
      return done(options.error());
    return engine_.segment_members(*name, *options, std::move(done));
  }
  if (method == "subscribe") {
    if (auto st = arity(method, p, 1, 1, "[[segment names]]"); !st.ok())
      return done(st);
    auto names = to_value(p.at(0), "segments");
    if (!names.ok())
      return done(names.error());
    if (!names->is_array() || names->as_array().empty())
      return done(bad("segments must be a non-empty array of segment names"));
    std::vector<std::string> list;
    for (auto& n : names->as_array()) {
      if (!n.is_string())
        return done(bad("segments must be an array of segment names (strings)"));
      list.push_back(n.as_string());
    }
    if (!conn.push_segment_events)
      return done(status{error_code::internal, "this connection cannot receive notifications"});
    auto id = engine_.subscribe(list, conn.push_segment_events);
    if (!id.ok())
      return done(id.error());
    conn.subscriptions.push_back(*id);
    value::array subscribed;
    for (auto& n : list)
      subscribed.emplace_back(n);
    value out{value::map{}};
    out.set("subscribed", value{std::move(subscribed)});
    return done(std::move(out));
  }
  if (method == "train_clusters") {
    if (auto st = arity(method, p, 0, 1, "[options]"); !st.ok())
      return done(st);
    auto options = options_param(p, 0, method);
    if (!options.ok())
      return done(options.error());
    return engine_.train_clusters(*options, std::move(done));
  }
  if (method == "get_clusters") {
    if (p.size() != 0)
      return done(bad("get_clusters takes no params"));
    return engine_.get_clusters(std::move(done));
  }
  done(status{error_code::internal, "method '" + method + "' is listed but not dispatched"});
}

void dispatcher::release(connection_state& conn) {
  for (auto id : conn.subscriptions)
    engine_.unsubscribe(id);
  conn.subscriptions.clear();
  conn.push_segment_events = nullptr;
}

void dispatcher::handle_notification(const std::string& method, const msgpack::object& params,
                                     connection_state& conn) {
  counters_.notifications.fetch_add(1, std::memory_order_relaxed);
  if (method != "ingest") {
    counters_.unknown_notifications.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if ((!cfg_.tokens.empty() && !conn.authenticated) || !(conn.roles & role_ingest)) {
    counters_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Rejections are counted by the engine (events_rejected in stats).
  ingest(params, [](result<value>) {});
}

void dispatcher::hello(const msgpack::object& params, connection_state& conn, reply& done) {
  params_view p{params};
  if (auto st = arity("hello", p, 0, 1, "[options]"); !st.ok())
    return done(st);
  auto options = options_param(p, 0, "hello");
  if (!options.ok())
    return done(options.error());
  if (auto* client = options->find("client"); client && client->is_string())
    conn.client = client->as_string();
  if (!cfg_.tokens.empty()) {
    auto* token = options->find("token");
    if (!token || !token->is_string())
      return done(status{error_code::unauthenticated, "hello needs options {\"token\": str} on this node"});
    auto it = cfg_.tokens.find(token->as_string());
    if (it == cfg_.tokens.end())
      return done(status{error_code::unauthenticated, "the token is not valid on this node"});
    conn.authenticated = true;
    conn.roles = it->second;
  }
  value roles{value::array{}};
  for (auto& r : role_names(conn.roles))
    roles.as_array().emplace_back(r);
  value out{value::map{}};
  out.set("server", value{"persona"});
  out.set("version", value{kVersion});
  out.set("protocol", value{1});
  out.set("node", value{cfg_.node_name});
  out.set("shards", value{static_cast<uint64_t>(engine_.options().shards)});
  out.set("roles", std::move(roles));
  done(std::move(out));
}

void dispatcher::ingest(const msgpack::object& params, reply done) {
  params_view p{params};
  if (auto st = arity("ingest", p, 1, 2, "[events, options]"); !st.ok())
    return done(st);
  auto& list = p.at(0);
  if (list.type != msgpack::type::ARRAY)
    return done(bad("ingest: events must be an array of event maps"));
  std::vector<event> events(list.via.array.size);
  for (uint32_t i = 0; i < list.via.array.size; ++i)
    decode_event(list.via.array.ptr[i], events[i]);  // a non-map stays empty: rejected as bad_user
  engine_.ingest(std::move(events), std::move(done));
}

void dispatcher::stats(reply done) {
  auto* counters = &counters_;
  engine_.stats([counters, done = std::move(done)](result<value> r) {
    if (!r.ok())
      return done(std::move(r));
    value net{value::map{}};
    net.set("connections_open", value{counters->connections_open.load()});
    net.set("connections_total", value{counters->connections_total.load()});
    net.set("connections_refused", value{counters->connections_refused.load()});
    net.set("requests", value{counters->requests.load()});
    net.set("notifications", value{counters->notifications.load()});
    net.set("unknown_notifications", value{counters->unknown_notifications.load()});
    net.set("protocol_errors", value{counters->protocol_errors.load()});
    net.set("overloaded", value{counters->overloaded.load()});
    net.set("segment_events_sent", value{counters->segment_events_sent.load()});
    net.set("segment_events_dropped", value{counters->segment_events_dropped.load()});
    net.set("replies_direct", value{counters->replies_direct.load()});
    net.set("replies_queued", value{counters->replies_queued.load()});
    net.set("held_behind_writes", value{counters->held_behind_writes.load()});
    r->set("net", std::move(net));
    done(std::move(r));
  });
}

}  // namespace persona::net
