#include "net/node_settings.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "actors/engine.hpp"
#include "core/os/memory_reserve.hpp"
#include "net/node_config.hpp"

namespace persona::net {

namespace {

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

bool parse_uint(const std::string& text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  errno = 0;
  out = std::strtoull(text.c_str(), nullptr, 10);
  return errno == 0 && out <= max;
}

/// "a", "a or b", "a, b or c".
std::string word_list(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0)
      out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

template <class T>
struct member_of_config;
template <class T>
struct member_of_config<T node_config::*> {
  using type = T;
};
/// The type of the node_config field `Field` points to.
template <auto Field>
using field_type = typename member_of_config<decltype(Field)>::type;

/// Stores a parsed value into the field `Field`, whose type matches the
/// value's alternative (checked where the row is made).
template <auto Field>
void store_field(node_config& config, const setting_value& value) {
  using T = field_type<Field>;
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> || std::is_same_v<T, std::string>)
    config.*Field = std::get<T>(value);
  else
    config.*Field = static_cast<T>(std::get<uint64_t>(value));
}

// Rows of each kind, typed by the field they fill.

template <auto Field>
node_setting whole(const char* name, setting_kind kind, uint64_t fallback, number_limits limits,
                   const char* help) {
  using T = field_type<Field>;
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>, "a whole number fills an integer field");
  return {name, kind, fallback, limits, {}, help, store_field<Field>};
}

template <auto Field>
node_setting on_off(const char* name, bool fallback, const char* help) {
  static_assert(std::is_same_v<field_type<Field>, bool>, "on/off fills a bool field");
  return {name, setting_kind::on_off, fallback, {}, {"on", "off"}, help, store_field<Field>};
}

template <auto Field>
node_setting share(const char* name, double fallback, const char* help) {
  static_assert(std::is_same_v<field_type<Field>, double>, "a share fills a double field");
  return {name, setting_kind::share, fallback, {}, {}, help, store_field<Field>};
}

template <auto Field>
node_setting text(const char* name, setting_kind kind, std::string fallback, const char* help) {
  static_assert(std::is_same_v<field_type<Field>, std::string>, "text fills a string field");
  return {name, kind, std::move(fallback), {}, {}, help, store_field<Field>};
}

/// A row whose value is one of `words`, stored by `store`.
node_setting choice(const char* name, std::vector<std::string> words, std::string fallback, const char* help,
                    decltype(node_setting::store) store) {
  return {name, setting_kind::choice, std::move(fallback), {}, std::move(words), help, store};
}

void store_fsync(node_config& config, const setting_value& value) {
  config.fsync = *parse_fsync_policy(std::get<std::string>(value));
}

void store_clock(node_config& config, const setting_value& value) {
  config.clock = *parse_clock_mode(std::get<std::string>(value));
}

void store_worker_scheduling(node_config& config, const setting_value& value) {
  config.batch_worker_threads = std::get<std::string>(value) == "batch";
}

void store_token(node_config& config, const setting_value& value) {
  auto& entry = std::get<std::string>(value);
  auto colon = entry.rfind(':');
  // Checked by parse_setting; a token given twice is caught by node_config::parse.
  ++config.command_line_tokens;
  config.tokens.add("command-line-" + std::to_string(config.command_line_tokens), entry.substr(0, colon),
                    parse_roles(entry.substr(colon + 1)));
}

/// A repeatable TOKEN:ROLES row: no default, each use adds a token.
node_setting token_list(const char* name, const char* help) {
  return {name, setting_kind::token_list, std::monostate{}, {}, {}, help, store_token};
}

void store_client_roles(node_config& config, const setting_value& value) {
  auto& entry = std::get<std::string>(value);
  auto colon = entry.rfind(':');
  config.tls_client_roles[entry.substr(0, colon)] = parse_roles(entry.substr(colon + 1));
}

/// `d` as a whole number of `Unit`.
template <class Unit, class Duration>
uint64_t in_units(Duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<Unit>(d).count());
}

std::vector<node_setting> make_table() {
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  using k = setting_kind;
  // The engine's and the memory reserve's own defaults are the node's too.
  const engine_options engine;
  const memory_reserve_options memory;
  return {
      whole<&node_config::port>("port", k::count, 7400, {0, 65535},
                                "TCP port to listen on; 0 picks a free port (logged)"),
      text<&node_config::bind>("bind", k::text, "127.0.0.1", "address to bind"),
      text<&node_config::data_dir>("data-dir", k::path, "persona-data",
                                   "directory for the write-ahead log and snapshots; empty (--data-dir=) "
                                   "keeps everything in memory only"),
      choice("fsync",
             {to_string(fsync_policy::always), to_string(fsync_policy::batch), to_string(fsync_policy::none)},
             to_string(engine.fsync),
             "always (sync before each answer, batches share syncs), batch (sync every --fsync-interval-ms), "
             "or none (the OS decides)",
             store_fsync),
      whole<&node_config::fsync_interval_ms>(
          "fsync-interval-ms", k::duration, in_units<milliseconds>(engine.fsync_interval),
          {1, 60000, false, "at least 1 (use --fsync=always to sync before every answer)"},
          "under --fsync=batch, the longest time between syncs (ms)"),
      whole<&node_config::snapshot_interval_s>(
          "snapshot-interval", k::duration, in_units<seconds>(engine.snapshot_interval), {0, 31536000},
          "seconds between snapshots of each shard; 0 = only on request and at stop"),
      whole<&node_config::snapshot_wal_mb>(
          "snapshot-wal-mb", k::size, engine.snapshot_wal_bytes >> 20, {0, uint64_t{1} << 30},
          "a shard also snapshots when its WAL grew this many MB since its last snapshot; 0 = no bound"),
      whole<&node_config::erase_max_delay_s>(
          "erase-max-delay-s", k::duration, in_units<seconds>(engine.erase_max_delay), {1, 31536000},
          "a deleted profile leaves every file of the data directory within this many seconds "
          "(a delete schedules the compaction that drops it)"),
      whole<&node_config::profile_ttl_days>(
          "profile-ttl-days", k::duration, in_units<std::chrono::hours>(engine.profile_ttl) / 24, {0, 36500},
          "profiles with no event for this many days (event time) are deleted, and leave the files like a "
          "delete; 0 = kept for ever"),
      whole<&node_config::snapshot_timeout_s>("snapshot-timeout-s", k::duration,
                                              in_units<seconds>(engine.snapshot_timeout), {1, 86400},
                                              "deadline of a snapshot call (s)"),
      whole<&node_config::memory_reserve_mb>("memory-reserve-mb", k::size, memory.reserve_bytes >> 20,
                                             {2, uint64_t{1} << 27, true, "0 (no reserve) or at least 2"},
                                             "address space reserved at start for the allocator's fresh "
                                             "memory (no memory is used until needed); "
                                             "0 = none, the allocator maps memory as it grows"),
      whole<&node_config::memory_warm_ahead_mb>("memory-warm-ahead-mb", k::size,
                                                memory.warm_ahead_bytes >> 20, {0, uint64_t{1} << 20},
                                                "memory kept faulted in ahead of what the reserve handed "
                                                "out, by an idle-priority thread; 0 = none"),
      on_off<&node_config::memory_return_freed>("memory-return-freed", memory.return_freed,
                                                "on: freed memory of the reserve goes back to the kernel "
                                                "(the node shrinks after a peak, and faults "
                                                "it in again on reuse); off: it stays resident at the peak"),
      whole<&node_config::shards>("shards", k::count, 0, {0, 4096}, "shard actors; 0 = one per core"),
      whole<&node_config::worker_threads>("worker-threads", k::count, 0, {0, 1024},
                                          "actor scheduler threads; 0 = one per core"),
      choice("worker-scheduling", {"normal", "batch"}, engine.batch_worker_threads ? "batch" : "normal",
             "normal, or batch: actor threads yield less to woken threads (more ingest, longer read tail)",
             store_worker_scheduling),
      whole<&node_config::io_threads>("io-threads", k::count, 1, {1, 256}, "network I/O threads"),
      whole<&node_config::thread_slice_us>(
          "thread-slice-us", k::duration, in_units<microseconds>(engine.thread_slice),
          {100, 100000, true, "0 (the default slice) or 100 to 100000"},
          "time slice network and actor threads ask the kernel for (Linux 6.12+): short, so a woken thread "
          "runs soon; 0 = the kernel's default (us)"),
      whole<&node_config::max_message_bytes>("max-message-bytes", k::size, 16u << 20,
                                             {1024, uint64_t{1} << 31},
                                             "largest message accepted (bytes); larger ones get too_large"),
      whole<&node_config::max_connections>("max-connections", k::count, 1024, {0, 1000000},
                                           "open connections; more are closed at once"),
      whole<&node_config::max_in_flight_per_connection>(
          "max-in-flight-per-connection", k::count, 1024, {0, 1000000},
          "requests in flight on one connection before overloaded"),
      whole<&node_config::max_in_flight>("max-in-flight", k::count, 8192, {0, 10000000},
                                         "requests in flight on the node before overloaded"),
      whole<&node_config::max_write_queue_bytes>(
          "max-write-queue-bytes", k::size, 64u << 20, {0, uint64_t{1} << 40},
          "reply bytes queued for a client that does not read, before closing it"),
      whole<&node_config::max_connection_decode_bytes>(
          "max-connection-decode-bytes", k::size, 32u << 20, {65536, uint64_t{1} << 40},
          "bytes one connection may hold decoded (the message being read, messages waiting behind a write "
          "or for the ingest decoder); a larger message gets too_large, past it reading pauses"),
      whole<&node_config::max_ingest_queue_bytes>(
          "max-ingest-queue-bytes", k::size, 128u << 20,
          {65536, uint64_t{1} << 40, true, "0 (no bound) or at least 65536"},
          "bytes ingest batches waiting for the ingest decoder may hold decoded, over all connections; "
          "past it their connections wait unread; 0 = no bound"),
      whole<&node_config::max_connections_per_ip>("max-connections-per-ip", k::count, 256, {0, 1000000},
                                                  "open connections from one address; more are closed at "
                                                  "once; 0 = no bound"),
      whole<&node_config::read_timeout_s>("read-timeout-s", k::duration, 30, {0, 86400},
                                          "a message begun and not finished within this closes the "
                                          "connection; 0 = no limit (s)"),
      whole<&node_config::idle_timeout_s>("idle-timeout-s", k::duration, 600, {0, 31536000},
                                          "a connection without a request for this long is closed "
                                          "(not one with live subscriptions); 0 = never (s)"),
      whole<&node_config::hello_timeout_s>("hello-timeout-s", k::duration, 10, {0, 3600},
                                           "with tokens, a connection not authenticated within this is "
                                           "closed; 0 = no limit (s)"),
      whole<&node_config::max_failed_hellos>("max-failed-hellos", k::count, 5, {0, 1000},
                                             "failed hellos a connection may make; the next failure "
                                             "closes it"),
      whole<&node_config::segment_sweep_interval_ms>(
          "segment-sweep-interval-ms", k::duration, in_units<milliseconds>(engine.segment_sweep_interval),
          {0, 86400000},
          "at least this much wall time between two sweeps of a shard's time-dependent segments (ms)"),
      choice("clock", {to_string(clock_mode::events), to_string(clock_mode::live)}, to_string(engine.clock),
             "events (now is the newest event time: replays give the same profiles) or live (now is also "
             "the wall clock when later: tags and windows move while the feed is quiet)",
             store_clock),
      whole<&node_config::max_future_ms>(
          "max-future-ms", k::duration, in_units<milliseconds>(engine.max_future), {0, uint64_t{1} << 40},
          "events dated more than this past the wall clock are rejected (bad_timestamp) (ms)"),
      on_off<&node_config::recommendations>(
          "recommendations", engine.recommendations,
          "on, or off: no item model (recommend, similar_* answer unavailable; ingest does no model work)"),
      whole<&node_config::model_publish_ms>(
          "model-publish-ms", k::duration, in_units<milliseconds>(engine.model_publish_interval),
          {1, 3600000}, "between two item model versions: the bound on global signals' lag (ms)"),
      whole<&node_config::model_factor_ms>("model-factor-ms", k::duration,
                                           in_units<milliseconds>(engine.model_factor_interval), {1, 3600000},
                                           "between two copies of the factorization into a version (ms)"),
      whole<&node_config::model_neighbour_ms>(
          "model-neighbour-ms", k::duration, in_units<milliseconds>(engine.model_neighbour_interval),
          {1, 3600000}, "between two rebuilds of changed items' neighbour lists (item_cf) (ms)"),
      whole<&node_config::model_learn_per_s>(
          "model-learn-per-s", k::count, static_cast<uint64_t>(engine.recommend.learn_signals_per_second),
          {1, 100000000},
          "signals a second the item model learns co-occurrence and factors from while ingest is live; "
          "the rest wait (bounds its CPU)"),
      whole<&node_config::model_quiet_ms>(
          "model-quiet-ms", k::duration, in_units<milliseconds>(engine.model_quiet_after), {0, 3600000},
          "no signal batch for this long: the item model learns what waits past its budget (ms)"),
      whole<&node_config::model_save_ms>(
          "model-save-ms", k::duration, in_units<milliseconds>(engine.model_save_interval), {1000, 86400000},
          "between two saves of the item model's state in the data directory (ms)"),
      whole<&node_config::model_max_waiting_signals>(
          "model-max-waiting-signals", k::count, engine.model_max_waiting_signals, {0, uint64_t{1} << 32},
          "item signals that may wait for the item model (64 bytes each); past it shards drop theirs "
          "(stats item_model.dropped_signals); 0: no bound"),
      share<&node_config::propensity_sample_rate>(
          "propensity-sample-rate", engine.propensity.sample_rate,
          "share of events that start a propensity training example (0 to 1)"),
      share<&node_config::propensity_census_share>("propensity-census-share", engine.propensity.census_share,
                                                   "share of a shard's profiles probed for propensity "
                                                   "training examples every 6 h of event time (0 to 1)"),
      whole<&node_config::churn_horizon_days>(
          "churn-horizon-days", k::duration,
          static_cast<uint64_t>(engine.recommend.churn_horizon_ms / 86400000), {1, 3650},
          "churn_risk is the chance of no purchase within this many days of event time"),
      whole<&node_config::max_subscriber_queue_bytes>("max-subscriber-queue-bytes", k::size, 8u << 20,
                                                      {0, uint64_t{1} << 40},
                                                      "segment-event bytes queued for a slow subscriber "
                                                      "before events are dropped (and the drop announced)"),
      whole<&node_config::request_timeout_ms>("request-timeout-ms", k::duration,
                                              in_units<milliseconds>(engine.shard_timeout), {0, 3600000},
                                              "deadline of each request the coordinator sends a shard "
                                              "(queries, deletes, merges, catalog updates; "
                                              "ingest and point reads wait for their shard) (ms)"),
      whole<&node_config::max_batch_events>("max-batch-events", k::count, engine.max_batch_events,
                                            {0, 10000000}, "events in one ingest call"),
      whole<&node_config::max_condition_nodes>("max-condition-nodes", k::count,
                                               engine.requests.max_condition_nodes, {1, 1000000},
                                               "conditions (leaves, and, or, not) in one query's or "
                                               "segment's where; more: bad_request"),
      whole<&node_config::max_in_values>("max-in-values", k::count, engine.requests.max_in_values,
                                         {1, 1000000}, "values in one in of a condition; more: bad_request"),
      whole<&node_config::max_aggregates>("max-aggregates", k::count, engine.requests.max_aggregates,
                                          {1, 1000}, "aggregates in one query; more: bad_request"),
      whole<&node_config::max_price>("max-price", k::count, static_cast<uint64_t>(engine.limits.max_price),
                                     {1, uint64_t{1} << 53},
                                     "largest unit price an event or item may carry; more: bad_price"),
      whole<&node_config::max_quantity>(
          "max-quantity", k::count, static_cast<uint64_t>(engine.limits.max_quantity), {1, uint64_t{1} << 53},
          "largest quantity an event may carry; more: bad_quantity"),
      on_off<&node_config::dedupe_without_id>(
          "dedupe-without-id", engine.dedupe_without_id,
          "on: an event without an id is a duplicate of one of the user's last --dedupe-window events "
          "with the same type, item and ts (a resent batch counts once)"),
      whole<&node_config::dedupe_window>("dedupe-window", k::count, engine.profile.caps.event_ids, {1, 4096},
                                         "a user's recent event ids (and, with --dedupe-without-id, "
                                         "content keys) remembered to reject resent events"),
      whole<&node_config::shard_slice_events>("shard-slice-events", k::count, engine.shard_slice_events,
                                              {1, 1000000, false, "at least 1, got '0'"},
                                              "events a shard applies before it serves waiting reads again"),
      whole<&node_config::stop_grace_s>("stop-grace-s", k::duration, 8, {0, 3600},
                                        "seconds a graceful stop waits for requests in flight"),
      text<&node_config::hash_key_file>(
          "hash-key-file", k::path, "",
          "owner-only (0600) file of at least 16 bytes keying the hashes of devices, "
          "geos, sessions and user ids; empty: <data-dir>/hash.key, made at the "
          "first start (memory only: a random key per process)"),
      on_off<&node_config::pseudonymize_users>(
          "pseudonymize-users", engine.pseudonymize_users,
          "on: keep and answer a keyed hash of each user id (u: and 32 hex digits) instead of the id; "
          "calls still take the client's ids"),
      text<&node_config::encrypt_key_file>(
          "encrypt-key-file", k::path, "",
          "owner-only (0600) file of 32 bytes or 64 hex digits: WAL records, "
          "snapshots and model state sealed with AES-256-GCM; empty: in clear"),
      text<&node_config::node_name>("node-name", k::text, "persona-1", "name of this node in hello and logs"),
      token_list("token",
                 "TOKEN:ROLES, repeatable; ROLES from ingest,query,admin; with any token, clients must send "
                 "hello first; visible in ps: prefer --token-file"),
      text<&node_config::token_file>("token-file", k::path, "",
                                     "file of tokens, one 'NAME ROLES TOKEN' line each, mode 0600 or 0400; "
                                     "tokens of at least 16 bytes"),
      text<&node_config::audit_log>(
          "audit-log", k::path, "auto",
          "audit log of profile reads, erasures, admin calls and failed hellos: "
          "auto (<data-dir>/audit.log; off without a data directory), off, or a file"),
      whole<&node_config::audit_max_bytes>("audit-max-bytes", k::size, 64u << 20, {0, uint64_t{1} << 40},
                                           "the audit log is rotated (audit.log.1, ...) before it grows past "
                                           "this many bytes; 0 = never rotated"),
      whole<&node_config::audit_keep>("audit-keep", k::count, 10, {0, 1000},
                                      "rotated audit files kept; the oldest beyond this is deleted"),
      whole<&node_config::audit_fsync_interval_ms>(
          "audit-fsync-interval-ms", k::duration, 1000, {0, 60000},
          "longest time a written audit line waits for its sync to the device; 0 = after every write (ms)"),
      whole<&node_config::audit_queue_bytes>("audit-queue-bytes", k::size, 8u << 20,
                                             {4096, uint64_t{1} << 32},
                                             "audit bytes waiting for the writer thread; past it lines are "
                                             "dropped, logged and counted (stats audit.lines_dropped)"),
      text<&node_config::tls_cert>(
          "tls-cert", k::path, "",
          "PEM certificate chain of the node: clients must then speak TLS (plain TCP "
          "is refused); needs --tls-key"),
      text<&node_config::tls_key>("tls-key", k::path, "",
                                  "PEM private key of --tls-cert; the file must have mode 0600 or 0400"),
      text<&node_config::tls_ca>("tls-ca", k::path, "",
                                 "PEM CA certificates: with TLS, every client must present a certificate "
                                 "they signed"),
      {"tls-client-roles",
       k::token_list,
       std::monostate{},
       {},
       {},
       "CN:ROLES, repeatable: a client certificate with subject CN gets ROLES (ingest,query,admin) "
       "without hello; with any, other certificates get no role until a hello with a token",
       store_client_roles},
      whole<&node_config::tls_handshake_timeout_ms>("tls-handshake-timeout-ms", k::duration, 10000,
                                                    {1, 3600000},
                                                    "a TLS handshake not done by then closes the connection "
                                                    "(ms)"),
      on_off<&node_config::insecure>("insecure", false,
                                     "on: a node bound to a non-loopback address starts without TLS or "
                                     "without authentication (it warns); off: it refuses to start"),
  };
}

}  // namespace

const std::vector<node_setting>& node_settings() {
  static const std::vector<node_setting> table = make_table();
  return table;
}

const node_setting* find_setting(const std::string& name) {
  for (auto& s : node_settings())
    if (name == s.name)
      return &s;
  return nullptr;
}

result<setting_value> parse_setting(const node_setting& setting, const std::string& text) {
  std::string flag = std::string("--") + setting.name;
  switch (setting.kind) {
    case setting_kind::count:
    case setting_kind::size:
    case setting_kind::duration: {
      auto& limits = setting.limits;
      uint64_t n = 0;
      if (!parse_uint(text, limits.max, n))
        return bad(flag + " must be a whole number up to " + std::to_string(limits.max) + ", got '" + text +
                   "'");
      if (n < limits.min && !(n == 0 && limits.zero_allowed))
        return bad(flag + " must be " +
                   (limits.rule ? limits.rule : "at least " + std::to_string(limits.min)));
      return setting_value{n};
    }
    case setting_kind::on_off:
    case setting_kind::choice:
      for (auto& word : setting.choices)
        if (text == word)
          return setting.kind == setting_kind::on_off ? setting_value{text == "on"} : setting_value{text};
      return bad(flag + " must be " + word_list(setting.choices) + ", got '" + text + "'");
    case setting_kind::share: {
      char* end = nullptr;
      double share = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(share >= 0 && share <= 1))
        return bad(flag + " must be a number from 0 to 1, got '" + text + "'");
      return setting_value{share};
    }
    case setting_kind::text:
    case setting_kind::path:
      return setting_value{text};
    case setting_kind::token_list: {
      auto colon = text.rfind(':');
      if (colon == std::string::npos || colon == 0 || parse_roles(text.substr(colon + 1)) == 0)
        return bad(flag + " must be " + (setting.name == std::string("token") ? "TOKEN" : "NAME") +
                   ":ROLES with ROLES a comma-separated list of ingest, query, admin");
      if (setting.name == std::string("token") && colon < token_store::min_token_bytes)
        return bad(flag + ": a token needs at least " + std::to_string(token_store::min_token_bytes) +
                   " bytes, got " + std::to_string(colon) + " (e.g. openssl rand -hex 32)");
      return setting_value{text};
    }
  }
  return bad(flag + " has a kind this node cannot parse");
}

status apply_setting(node_config& config, const std::string& name, const std::string& text) {
  auto* setting = find_setting(name);
  if (!setting)
    return bad("unknown setting '" + name + "'; personad --help lists every setting");
  auto value = parse_setting(*setting, text);
  if (!value.ok())
    return value.error();
  setting->store(config, *value);
  return {};
}

std::string setting_text(const setting_value& value) {
  if (auto* n = std::get_if<uint64_t>(&value))
    return std::to_string(*n);
  if (auto* b = std::get_if<bool>(&value))
    return *b ? "on" : "off";
  if (auto* x = std::get_if<double>(&value)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", *x);
    return buf;
  }
  if (auto* s = std::get_if<std::string>(&value))
    return *s;
  return "(none)";
}

}  // namespace persona::net
