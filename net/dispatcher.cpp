#include "net/dispatcher.hpp"

#include "net/audit_trail.hpp"

namespace persona::net {

namespace {

constexpr const char* kVersion = "0.1.0";

}  // namespace

dispatcher::dispatcher(engine& eng, const node_config& cfg, network_counters& counters)
    : engine_(eng), cfg_(cfg), counters_(counters) {}

void dispatcher::handle_request(const method_row& row, const msgpack::object& params, connection_state& conn,
                                reply done) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  if (audit_)
    done = audit_->watch(row, params, conn, std::move(done));
  if (row.role != 0) {
    if (!cfg_.tokens.empty() && !conn.authenticated)
      return done(status{error_code::unauthenticated,
                         "this node requires a token: send hello with options {\"token\": ...} first"});
    if ((conn.roles & row.role) != row.role)
      return done(status{error_code::forbidden, "the token's roles do not allow " + std::string(row.name) +
                                                    "; it needs the role " + role_names(row.role).front()});
  }
  run(row, params, conn, std::move(done));
}

void dispatcher::refuse_unknown(const std::string& method, reply done) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  done(status{error_code::unknown_method, unknown_method_message(method)});
}

void dispatcher::refuse_method_name(reply done) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  done(status{error_code::bad_request,
              "the method name is a bin that is not UTF-8: send it as a str, or as a bin holding UTF-8"});
}

void dispatcher::handle_notification(const method_row* row, const msgpack::object& params,
                                     connection_state& conn) {
  counters_.notifications.fetch_add(1, std::memory_order_relaxed);
  if (!row || !row->notification) {
    counters_.unknown_notifications.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if ((!cfg_.tokens.empty() && !conn.authenticated) || (conn.roles & row->role) != row->role) {
    counters_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Nothing is answered; ingest's rejections are counted by the engine
  // (events_rejected in stats).
  run(*row, params, conn, [](result<value>) {});
}

void dispatcher::release(connection_state& conn) {
  for (auto id : conn.subscriptions)
    engine_.unsubscribe(id);
  conn.subscriptions.clear();
  conn.push_segment_events = nullptr;
}

void dispatcher::run(const method_row& row, const msgpack::object& params, connection_state& conn,
                     reply done) {
  method_args args;
  args.max_events = cfg_.max_batch_events;
  if (auto st = read_params(row.name, row.params, params, args); !st.ok())
    return done(st);
  (this->*row.handle)(args, conn, std::move(done));
}

void dispatcher::hello(method_args& args, connection_state& conn, reply done) {
  auto& options = args.values[0];
  if (auto* client = options.find("client"); client && client->is_string())
    conn.client = client->as_string();
  if (needs_hello()) {
    auto* token = options.find("token");
    if (!token || !token->is_string())
      return refuse_hello(conn, done, "hello needs options {\"token\": str} on this node");
    auto grant = cfg_.tokens.find(token->as_string());
    if (!grant)
      return refuse_hello(conn, done, "the token is not valid on this node");
    conn.authenticated = true;
    conn.roles = grant->roles;
    conn.token_name = grant->name;
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

void dispatcher::refuse_hello(connection_state& conn, reply& done, std::string why) {
  counters_.hello_failures.fetch_add(1, std::memory_order_relaxed);
  ++conn.failed_hellos;
  if (conn.failed_hellos > cfg_.max_failed_hellos)
    why += "; " + std::to_string(conn.failed_hellos) + " hellos failed on this connection: it is closed";
  done(status{error_code::unauthenticated, std::move(why)});
}

void dispatcher::ping(method_args&, connection_state&, reply done) {
  // A recovering node says so instead of pong.
  if (auto st = engine_.readiness(); !st.ok())
    return done(st);
  done(value{"pong"});
}

void dispatcher::stats(method_args&, connection_state&, reply done) {
  auto* counters = &counters_;
  auto* audit = audit_;
  engine_.stats([counters, audit, done = std::move(done)](result<value> r) {
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
    net.set("tls_handshake_failures", value{counters->tls_handshake_failures.load()});
    net.set("decode_pauses", value{counters->decode_pauses.load()});
    net.set("connections_refused_per_ip", value{counters->connections_refused_per_ip.load()});
    net.set("closed_read_timeout", value{counters->closed_read_timeout.load()});
    net.set("closed_idle", value{counters->closed_idle.load()});
    net.set("closed_hello_timeout", value{counters->closed_hello_timeout.load()});
    net.set("closed_failed_hellos", value{counters->closed_failed_hellos.load()});
    net.set("hello_failures", value{counters->hello_failures.load()});
    net.set("ingest_queue_waits", value{counters->ingest_queue_waits.load()});
    r->set("net", std::move(net));
    if (audit)
      r->set("audit", audit->stats());
    done(std::move(r));
  });
}

void dispatcher::snapshot(method_args&, connection_state&, reply done) {
  engine_.snapshot(std::move(done));
}

void dispatcher::ingest(method_args& args, connection_state&, reply done) {
  engine_.ingest(std::move(args.events), std::move(done));
}

void dispatcher::upsert_items(method_args& args, connection_state&, reply done) {
  engine_.upsert_items(args.values[0], std::move(done));
}

void dispatcher::set_attributes(method_args& args, connection_state&, reply done) {
  engine_.set_attributes(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::get_profile(method_args& args, connection_state&, reply done) {
  engine_.get_profile(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::delete_profile(method_args& args, connection_state&, reply done) {
  engine_.delete_profile(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::set_consent(method_args& args, connection_state&, reply done) {
  engine_.set_consent(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::export_profile(method_args& args, connection_state&, reply done) {
  engine_.export_profile(args.ids[0], std::move(done));
}

void dispatcher::merge_profiles(method_args& args, connection_state&, reply done) {
  engine_.merge_profiles(args.ids[0], args.ids[1], std::move(done));
}

void dispatcher::query(method_args& args, connection_state&, reply done) {
  engine_.query(args.values[0], args.values[1], std::move(done));
}

void dispatcher::define_segment(method_args& args, connection_state&, reply done) {
  engine_.define_segment(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::drop_segment(method_args& args, connection_state&, reply done) {
  engine_.drop_segment(args.ids[0], std::move(done));
}

void dispatcher::list_segments(method_args&, connection_state&, reply done) {
  engine_.list_segments(std::move(done));
}

void dispatcher::segment_members(method_args& args, connection_state&, reply done) {
  engine_.segment_members(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::subscribe(method_args& args, connection_state& conn, reply done) {
  if (!conn.push_segment_events)
    return done(status{error_code::internal, "this connection cannot receive notifications"});
  auto id = engine_.subscribe(args.names, conn.push_segment_events);
  if (!id.ok())
    return done(id.error());
  conn.subscriptions.push_back(*id);
  value::array subscribed;
  for (auto& n : args.names)
    subscribed.emplace_back(n);
  value out{value::map{}};
  out.set("subscribed", value{std::move(subscribed)});
  done(std::move(out));
}

void dispatcher::train_clusters(method_args& args, connection_state&, reply done) {
  engine_.train_clusters(args.values[0], std::move(done));
}

void dispatcher::get_clusters(method_args&, connection_state&, reply done) {
  engine_.get_clusters(std::move(done));
}

void dispatcher::recommend(method_args& args, connection_state&, reply done) {
  engine_.recommend(args.ids[0], args.values[1], args.values[2], std::move(done));
}

void dispatcher::similar_items(method_args& args, connection_state&, reply done) {
  engine_.similar_items(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::similar_users(method_args& args, connection_state&, reply done) {
  engine_.similar_users(args.ids[0], args.values[1], std::move(done));
}

void dispatcher::predict(method_args& args, connection_state&, reply done) {
  engine_.predict(args.ids[0], args.values[1], std::move(done));
}

}  // namespace persona::net
