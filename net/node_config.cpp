#include "net/node_config.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace persona::net {

namespace {

struct setting {
  const char* name;
  const char* fallback;
  const char* meaning;
};

const setting kSettings[] = {
    {"port", "7400", "TCP port to listen on; 0 picks a free port (logged)"},
    {"bind", "127.0.0.1", "address to bind"},
    {"data-dir", "persona-data",
     "directory for the write-ahead log and snapshots; empty (--data-dir=) keeps everything in memory only"},
    {"fsync", "batch",
     "always (sync before each answer, batches share syncs), batch (sync every --fsync-interval-ms), "
     "or none (the OS decides)"},
    {"fsync-interval-ms", "100", "under --fsync=batch, the longest time between syncs (ms)"},
    {"snapshot-interval", "300", "seconds between snapshots of each shard; 0 = only on request and at stop"},
    {"snapshot-wal-mb", "1024",
     "a shard also snapshots when its WAL grew this many MB since its last snapshot; 0 = no bound"},
    {"snapshot-timeout-s", "600", "deadline of a snapshot call (s)"},
    {"memory-reserve-mb", "65536",
     "address space reserved at start for the allocator's fresh memory (no memory is used until needed); "
     "0 = none, the allocator maps memory as it grows"},
    {"memory-warm-ahead-mb", "256",
     "memory kept faulted in ahead of what the reserve handed out, by an idle-priority thread; 0 = none"},
    {"memory-return-freed", "off",
     "on: freed memory of the reserve goes back to the kernel (the node shrinks after a peak, and faults "
     "it in again on reuse); off: it stays resident at the peak"},
    {"shards", "0", "shard actors; 0 = one per core"},
    {"worker-threads", "0", "actor scheduler threads; 0 = one per core"},
    {"worker-scheduling", "normal",
     "normal, or batch: actor threads yield less to woken threads (more ingest, longer read tail)"},
    {"io-threads", "1", "network I/O threads"},
    {"thread-slice-us", "100",
     "time slice network and actor threads ask the kernel for (Linux 6.12+): short, so a woken thread "
     "runs soon; 0 = the kernel's default (us)"},
    {"max-message-bytes", "16777216", "largest message accepted (bytes); larger ones get too_large"},
    {"max-connections", "1024", "open connections; more are closed at once"},
    {"max-in-flight-per-connection", "1024", "requests in flight on one connection before overloaded"},
    {"max-in-flight", "8192", "requests in flight on the node before overloaded"},
    {"max-write-queue-bytes", "67108864",
     "reply bytes queued for a client that does not read, before closing it"},
    {"segment-sweep-interval-ms", "10000",
     "at least this much wall time between two sweeps of a shard's time-dependent segments (ms)"},
    {"recommendations", "on",
     "on, or off: no item model (recommend, similar_* answer unavailable; ingest does no model work)"},
    {"model-publish-ms", "200", "between two item model versions: the bound on global signals' lag (ms)"},
    {"model-factor-ms", "1000", "between two copies of the factorization into a version (ms)"},
    {"model-neighbour-ms", "1000", "between two rebuilds of changed items' neighbour lists (item_cf) (ms)"},
    {"model-learn-per-s", "20000",
     "signals a second the item model learns co-occurrence and factors from; the rest count for "
     "popularity only (bounds its CPU)"},
    {"model-shed-ms", "500",
     "a signal batch older than this when the item model gets it counts for popularity only (ms)"},
    {"model-max-waiting-signals", "1000000",
     "item signals that may wait for the item model (64 bytes each); past it shards drop theirs "
     "(stats item_model.dropped_signals); 0: no bound"},
    {"propensity-sample-rate", "0.02", "share of events that start a propensity training example (0 to 1)"},
    {"propensity-census-share", "0.02",
     "share of a shard's profiles probed for propensity training examples every 6 h of event time (0 to 1)"},
    {"max-subscriber-queue-bytes", "8388608",
     "segment-event bytes queued for a slow subscriber before events are dropped (and the drop announced)"},
    {"request-timeout-ms", "5000",
     "deadline of each request the coordinator sends a shard (queries, deletes, merges, catalog updates; "
     "ingest and point reads wait for their shard) (ms)"},
    {"max-batch-events", "100000", "events in one ingest call"},
    {"shard-slice-events", "64", "events a shard applies before it serves waiting reads again"},
    {"stop-grace-s", "8", "seconds a graceful stop waits for requests in flight"},
    {"node-name", "persona-1", "name of this node in hello and logs"},
    {"token", "(none)",
     "TOKEN:ROLES, repeatable; ROLES from ingest,query,admin; with any token, "
     "clients must send hello first"},
};

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

status apply(node_config& c, const std::string& name, const std::string& val) {
  uint64_t n = 0;
  auto number = [&](uint64_t max, auto& field) -> status {
    if (!parse_uint(val, max, n))
      return bad("--" + name + " must be a whole number up to " + std::to_string(max) + ", got '" + val +
                 "'");
    field = static_cast<std::remove_reference_t<decltype(field)>>(n);
    return {};
  };
  if (name == "port")
    return number(65535, c.port);
  if (name == "bind") {
    c.bind = val;
    return {};
  }
  if (name == "data-dir") {
    c.data_dir = val;
    return {};
  }
  if (name == "fsync") {
    auto p = parse_fsync_policy(val);
    if (!p)
      return bad("--fsync must be always, batch or none, got '" + val + "'");
    c.fsync = *p;
    return {};
  }
  if (name == "fsync-interval-ms") {
    auto st = number(60000, c.fsync_interval_ms);
    if (st.ok() && c.fsync_interval_ms == 0)
      return bad("--fsync-interval-ms must be at least 1 (use --fsync=always to sync before every answer)");
    return st;
  }
  if (name == "snapshot-interval")
    return number(31536000, c.snapshot_interval_s);
  if (name == "snapshot-wal-mb")
    return number(uint64_t{1} << 30, c.snapshot_wal_mb);
  if (name == "memory-reserve-mb") {
    auto st = number(uint64_t{1} << 27, c.memory_reserve_mb);
    if (st.ok() && c.memory_reserve_mb == 1)
      return bad("--memory-reserve-mb must be 0 (no reserve) or at least 2");
    return st;
  }
  if (name == "memory-warm-ahead-mb")
    return number(uint64_t{1} << 20, c.memory_warm_ahead_mb);
  if (name == "memory-return-freed") {
    if (val != "on" && val != "off")
      return bad("--memory-return-freed must be on or off, got '" + val + "'");
    c.memory_return_freed = val == "on";
    return {};
  }
  if (name == "snapshot-timeout-s") {
    auto st = number(86400, c.snapshot_timeout_s);
    if (st.ok() && c.snapshot_timeout_s == 0)
      return bad("--snapshot-timeout-s must be at least 1");
    return st;
  }
  if (name == "shards")
    return number(4096, c.shards);
  if (name == "worker-threads")
    return number(1024, c.worker_threads);
  if (name == "worker-scheduling") {
    if (val != "normal" && val != "batch")
      return bad("--worker-scheduling must be normal or batch, got '" + val + "'");
    c.batch_worker_threads = val == "batch";
    return {};
  }
  if (name == "thread-slice-us") {
    auto st = number(100000, c.thread_slice_us);
    if (st.ok() && c.thread_slice_us != 0 && c.thread_slice_us < 100)
      return bad("--thread-slice-us must be 0 (the default slice) or 100 to 100000");
    return st;
  }
  if (name == "io-threads") {
    auto st = number(256, c.io_threads);
    if (st.ok() && c.io_threads == 0)
      return bad("--io-threads must be at least 1");
    return st;
  }
  if (name == "max-message-bytes") {
    auto st = number(uint64_t{1} << 31, c.max_message_bytes);
    if (st.ok() && c.max_message_bytes < 1024)
      return bad("--max-message-bytes must be at least 1024");
    return st;
  }
  if (name == "max-connections")
    return number(1000000, c.max_connections);
  if (name == "max-in-flight-per-connection")
    return number(1000000, c.max_in_flight_per_connection);
  if (name == "max-in-flight")
    return number(10000000, c.max_in_flight);
  if (name == "max-write-queue-bytes")
    return number(uint64_t{1} << 40, c.max_write_queue_bytes);
  if (name == "segment-sweep-interval-ms")
    return number(86400000, c.segment_sweep_interval_ms);
  if (name == "recommendations") {
    if (val != "on" && val != "off")
      return bad("--recommendations must be on or off, got '" + val + "'");
    c.recommendations = val == "on";
    return {};
  }
  if (name == "model-publish-ms" || name == "model-factor-ms" || name == "model-shed-ms" ||
      name == "model-neighbour-ms") {
    auto& field = name == "model-publish-ms"  ? c.model_publish_ms
                  : name == "model-factor-ms" ? c.model_factor_ms
                  : name == "model-shed-ms"   ? c.model_shed_ms
                                              : c.model_neighbour_ms;
    auto st = number(3600000, field);
    if (st.ok() && field == 0)
      return bad("--" + name + " must be at least 1");
    return st;
  }
  if (name == "model-max-waiting-signals")
    return number(uint64_t{1} << 32, c.model_max_waiting_signals);
  if (name == "model-learn-per-s") {
    auto st = number(100000000, c.model_learn_per_s);
    if (st.ok() && c.model_learn_per_s == 0)
      return bad("--model-learn-per-s must be at least 1");
    return st;
  }
  if (name == "propensity-sample-rate" || name == "propensity-census-share") {
    char* end = nullptr;
    double share = std::strtod(val.c_str(), &end);
    if (val.empty() || *end != '\0' || !(share >= 0 && share <= 1))
      return bad("--" + name + " must be a number from 0 to 1, got '" + val + "'");
    (name == "propensity-sample-rate" ? c.propensity_sample_rate : c.propensity_census_share) = share;
    return {};
  }
  if (name == "max-subscriber-queue-bytes")
    return number(uint64_t{1} << 40, c.max_subscriber_queue_bytes);
  if (name == "request-timeout-ms")
    return number(3600000, c.request_timeout_ms);
  if (name == "max-batch-events")
    return number(10000000, c.max_batch_events);
  if (name == "shard-slice-events") {
    if (val == "0")
      return bad("--shard-slice-events must be at least 1, got '0'");
    return number(1000000, c.shard_slice_events);
  }
  if (name == "stop-grace-s")
    return number(3600, c.stop_grace_s);
  if (name == "node-name") {
    c.node_name = val;
    return {};
  }
  if (name == "token") {
    auto colon = val.rfind(':');
    uint8_t roles = colon == std::string::npos ? 0 : parse_roles(val.substr(colon + 1));
    if (colon == std::string::npos || colon == 0 || roles == 0)
      return bad("--token must be TOKEN:ROLES with ROLES a comma-separated list of ingest, query, admin");
    c.tokens[val.substr(0, colon)] = roles;
    return {};
  }
  return bad("unknown setting '" + name + "'; personad --help lists every setting");
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

uint8_t parse_roles(const std::string& list) {
  uint8_t bits = 0;
  std::stringstream in(list);
  std::string r;
  while (std::getline(in, r, ',')) {
    r = trim(r);
    if (r == "ingest")
      bits |= role_ingest;
    else if (r == "query")
      bits |= role_query;
    else if (r == "admin")
      bits |= all_roles;
    else
      return 0;
  }
  return bits;
}

std::vector<std::string> role_names(uint8_t bits) {
  std::vector<std::string> out;
  if (bits & role_ingest)
    out.push_back("ingest");
  if (bits & role_query)
    out.push_back("query");
  if (bits & role_admin)
    out.push_back("admin");
  return out;
}

result<node_config> node_config::parse(int argc, char** argv, bool& help) {
  node_config c;
  help = false;
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return c;
    }
    if (arg.rfind("--", 0) != 0 || arg.find('=') == std::string::npos)
      return bad("unexpected argument '" + arg + "': settings are --name=value; personad --help lists them");
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq - 2);
    auto val = arg.substr(eq + 1);
    if (name == "config")
      config_file = val;
    else
      flags.emplace_back(name, val);
  }
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in)
      return bad("cannot read the config file '" + config_file + "'");
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      line = trim(line);
      if (line.empty() || line[0] == '#')
        continue;
      auto eq = line.find('=');
      if (eq == std::string::npos)
        return bad(config_file + ":" + std::to_string(number) + ": expected 'name = value'");
      auto st = apply(c, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
      if (!st.ok())
        return bad(config_file + ":" + std::to_string(number) + ": " + st.message());
    }
  }
  for (auto& [name, val] : flags) {
    auto st = apply(c, name, val);
    if (!st.ok())
      return st;
  }
  return c;
}

std::string node_config::help_text() {
  std::string out =
      "usage: personad [--name=value ...] [--config=FILE]\n\n"
      "A Persona node: live user profiles over MessagePack-RPC (TCP).\n"
      "A config file holds 'name = value' lines ('#' starts a comment); flags override it.\n\n"
      "settings (default in brackets):\n";
  for (auto& s : kSettings) {
    std::string left = std::string("  --") + s.name + "=";
    out += left;
    out.append(left.size() < 34 ? 34 - left.size() : 1, ' ');
    out += std::string(s.meaning) + " [" + s.fallback + "]\n";
  }
  out +=
      "\nSIGINT or SIGTERM stops the node gracefully: it stops accepting, answers what is in flight, and "
      "exits 0.\n";
  return out;
}

}  // namespace persona::net
