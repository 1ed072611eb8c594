#include "tools/loadgen/loadgen_options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <vector>

#include "net/client.hpp"

namespace persona::loadgen {

const char* to_string(operation op) {
  switch (op) {
    case operation::ingest:
      return "ingest";
    case operation::get_profile:
      return "get_profile";
    case operation::query:
      return "query";
    case operation::recommend:
      return "recommend";
  }
  return "?";
}

namespace {

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

bool parse_number(const std::string& text, double lo, double hi, double& out) {
  if (text.empty())
    return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end && *end == '\0' && std::isfinite(out) && out >= lo && out <= hi;
}

/// "ingest=90,get_profile=8,query=2" into `mix`.
status parse_mix(const std::string& text, double (&mix)[operation_count]) {
  double parsed[operation_count] = {0, 0, 0, 0};
  std::stringstream in(text);
  std::string part;
  double total = 0;
  while (std::getline(in, part, ',')) {
    auto eq = part.find('=');
    std::string name = part.substr(0, eq);
    double share = 0;
    size_t op = operation_count;
    for (size_t i = 0; i < operation_count; ++i)
      if (name == to_string(static_cast<operation>(i)))
        op = i;
    if (op == operation_count)
      return bad("--mix: unknown operation '" + name + "'; use ingest, get_profile, query and recommend");
    if (eq == std::string::npos || !parse_number(part.substr(eq + 1), 0, 1e9, share))
      return bad("--mix: '" + part + "' must be OPERATION=SHARE with a share >= 0");
    parsed[op] = share;
    total += share;
  }
  if (total <= 0)
    return bad("--mix must give some operation a share above 0, e.g. --mix=ingest=90,get_profile=10");
  for (size_t i = 0; i < operation_count; ++i)
    mix[i] = parsed[i];
  return {};
}

struct flag {
  const char* name;
  const char* fallback;
  const char* meaning;
  bool takes_value;
  std::function<status(loadgen_options&, const std::string&)> apply;
};

/// A flag taking a number in [lo, hi], stored through `set`.
template <class Set>
std::function<status(loadgen_options&, const std::string&)> number(const char* name, double lo, double hi,
                                                                   Set set) {
  return [=](loadgen_options& o, const std::string& v) -> status {
    double x = 0;
    if (!parse_number(v, lo, hi, x)) {
      std::ostringstream msg;
      msg << "--" << name << " must be a number from " << lo << " to " << hi << ", got '" << v << "'";
      return bad(msg.str());
    }
    set(o, x);
    return {};
  };
}

std::function<status(loadgen_options&, const std::string&)> text(std::string loadgen_options::*field) {
  return [=](loadgen_options& o, const std::string& v) -> status {
    o.*field = v;
    return {};
  };
}

const std::vector<flag>& flags() {
  using o_t = loadgen_options;
  static const std::vector<flag> all = {
      {"target", "persona", "persona (MessagePack-RPC) or redis (the baseline's Redis function)", true,
       [](o_t& o, const std::string& v) -> status {
         if (v != "persona" && v != "redis")
           return bad("--target must be persona or redis, got '" + v + "'");
         o.target = v;
         return {};
       }},
      {"host", "127.0.0.1", "address of the node (or Redis)", true, text(&o_t::host)},
      {"port", "7400", "port of the node (6379 for --target=redis unless given)", true,
       number("port", 1, 65535, [](o_t& o, double x) { o.port = static_cast<uint16_t>(x); })},
      {"token", "(none)", "token to present in hello (visible in ps: prefer --token-file or PERSONA_TOKEN)",
       true, text(&o_t::token)},
      {"token-file", "(none)", "file holding the token to present in hello, mode 0600", true,
       text(&o_t::token_file)},
      {"tls-ca", "(none)", "PEM CA of the node's certificate: connect with TLS", true, text(&o_t::tls_ca)},
      {"tls-cert", "(none)", "PEM client certificate, for a node with --tls-ca", true, text(&o_t::tls_cert)},
      {"tls-key", "(none)", "private key of --tls-cert (mode 0600)", true, text(&o_t::tls_key)},
      {"seed", "42", "seed of the simulation: the same seed gives the same events", true,
       number("seed", 0, 1e18, [](o_t& o, double x) { o.simulation.seed = static_cast<uint64_t>(x); })},
      {"users", "100000", "shoppers at the start", true,
       number("users", 1, 1e8, [](o_t& o, double x) { o.simulation.users = static_cast<uint32_t>(x); })},
      {"new-users-per-day", "2000", "shoppers joining per simulated day", true,
       number("new-users-per-day", 0, 1e8, [](o_t& o, double x) { o.simulation.new_users_per_day = x; })},
      {"sessions-per-day", "1", "sessions per shopper per simulated day, on average", true,
       number("sessions-per-day", 0.001, 1000,
              [](o_t& o, double x) { o.simulation.sessions_per_user_day = x; })},
      {"items", "50000", "items in the catalog", true,
       number("items", 1, 1e8, [](o_t& o, double x) { o.simulation.catalog.items = static_cast<uint32_t>(x); })},
      {"categories", "40", "categories in the catalog", true,
       number("categories", 1, 65000,
              [](o_t& o, double x) { o.simulation.catalog.categories = static_cast<uint32_t>(x); })},
      {"anomalous", "0.005", "share of anomalous shoppers (labelled; see docs/loadgen.md)", true,
       number("anomalous", 0, 1, [](o_t& o, double x) { o.simulation.anomalous_share = x; })},
      {"start", "1767225600000", "event time of the start, ms since the epoch", true,
       number("start", 0, 4e12, [](o_t& o, double x) { o.simulation.start_ms = static_cast<int64_t>(x); })},
      {"events", "1000000", "events to generate; the run ends when all are sent", true,
       number("events", 1, 1e10, [](o_t& o, double x) { o.events = static_cast<uint64_t>(x); })},
      {"duration", "0", "stop after this many seconds (0: when the events are sent)", true,
       number("duration", 0, 1e7, [](o_t& o, double x) { o.duration_s = x; })},
      {"warmup", "0", "seconds at the start whose requests are sent but not measured", true,
       number("warmup", 0, 1e6, [](o_t& o, double x) { o.warmup_s = x; })},
      {"connections", "2", "connections to the node", true,
       number("connections", 1, 1024, [](o_t& o, double x) { o.connections = static_cast<uint32_t>(x); })},
      {"batch", "500", "events per ingest request", true,
       number("batch", 1, 100000, [](o_t& o, double x) { o.batch = static_cast<uint32_t>(x); })},
      {"window", "8", "closed loop: requests in flight per connection", true,
       number("window", 1, 100000, [](o_t& o, double x) { o.window = static_cast<uint32_t>(x); })},
      {"rate", "0", "open loop: requests per second over all operations (0: closed loop)", true,
       number("rate", 0, 1e8, [](o_t& o, double x) { o.rate = x; })},
      {"event-rate", "0", "open loop: ingest events per second (sets --rate from --mix and --batch)", true,
       number("event-rate", 0, 1e10, [](o_t& o, double x) { o.event_rate = x; })},
      {"max-in-flight", "1024", "open loop: requests in flight per connection before sends wait", true,
       number("max-in-flight", 1, 1e6, [](o_t& o, double x) { o.max_in_flight = static_cast<uint32_t>(x); })},
      {"thread-slice-us", "100",
       "time slice the generator's threads ask the kernel for (Linux 6.12+), so that on a machine shared "
       "with the node their own wake-ups add little to the latencies measured; 0 = the default (us)",
       true, number("thread-slice-us", 0, 100000, [](o_t& o, double x) {
         o.thread_slice_us = static_cast<uint32_t>(x);
       })},
      {"mix", "ingest=100", "share of each operation: ingest, get_profile, query, recommend (auto, k=10)", true,
       [](o_t& o, const std::string& v) { return parse_mix(v, o.mix); }},
      {"no-catalog", "", "do not register the catalog with upsert_items first", false,
       [](o_t& o, const std::string&) -> status {
         o.upsert_catalog = false;
         return {};
       }},
      {"json", "(none)", "also write the report as JSON to this file", true, text(&o_t::json_path)},
      {"dump", "(none)", "write the events as JSON lines to this file (and the catalog beside it) "
                         "instead of sending them",
       true, text(&o_t::dump_path)},
      {"verify", "", "after the run, compare counters and monetary value of sampled users with "
                     "get_profile, and report risk flags of the anomalous users",
       false,
       [](o_t& o, const std::string&) -> status {
         o.verify = true;
         return {};
       }},
      {"verify-users", "1000", "users sampled by --verify", true,
       number("verify-users", 1, 1e7, [](o_t& o, double x) { o.verify_users = static_cast<uint32_t>(x); })},
      {"quiet", "", "no live line", false,
       [](o_t& o, const std::string&) -> status {
         o.live = false;
         return {};
       }},
  };
  return all;
}

}  // namespace

result<loadgen_options> loadgen_options::parse(int argc, char** argv, bool& help) {
  loadgen_options o;
  bool port_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return o;
    }
    if (arg.rfind("--", 0) != 0)
      return bad("unexpected argument '" + arg + "'; flags look like --name=value (see --help)");
    auto eq = arg.find('=');
    std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const flag* f = nullptr;
    for (auto& candidate : flags())
      if (name == candidate.name)
        f = &candidate;
    if (!f)
      return bad("unknown flag --" + name + " (see --help)");
    std::string v;
    if (f->takes_value) {
      if (eq != std::string::npos)
        v = arg.substr(eq + 1);
      else if (i + 1 < argc)
        v = argv[++i];
      else
        return bad("--" + name + " needs a value");
    } else if (eq != std::string::npos) {
      return bad("--" + name + " takes no value");
    }
    if (auto st = f->apply(o, v); !st.ok())
      return st;
    port_given |= name == "port";
  }
  if (o.target == "redis" && !port_given)
    o.port = 6379;
  auto token = net::client_token(o.token, o.token_file);
  if (!token.ok())
    return token.error();
  o.token = *token;
  if (o.event_rate > 0) {
    if (!o.mixes(operation::ingest))
      return bad("--event-rate needs ingest in --mix; use --rate for other operations");
    double total = 0;
    for (double share : o.mix)
      total += share;
    o.rate = o.event_rate / o.batch / (o.mix[0] / total);
  }
  if (o.duration_s > 0 && o.warmup_s >= o.duration_s)
    return bad("--warmup must be shorter than --duration, or nothing is measured");
  if (!o.mixes(operation::ingest) && o.duration_s <= 0 && o.dump_path.empty())
    return bad("a --mix without ingest needs --duration, e.g. --duration=10");
  if (o.target == "redis" && (o.mixes(operation::get_profile) || o.mixes(operation::query) ||
                              o.mixes(operation::recommend) || o.open_loop() || o.warmup_s > 0))
    return bad("--target=redis runs the ingest baseline only: closed loop, --mix=ingest=100");
  if (o.target == "redis" && o.verify)
    return bad("--verify reads profiles with get_profile; it works with --target=persona only");
  return o;
}

std::string loadgen_options::help_text() {
  std::ostringstream out;
  out << "usage: persona-loadgen [flags]\n"
         "Simulates a shop's shoppers and drives a Persona node (or the Redis baseline) with\n"
         "their events and reads, then reports throughput and latency per operation.\n\n";
  for (auto& f : flags()) {
    std::string head = std::string("  --") + f.name + (f.takes_value ? "=V" : "");
    out << head << std::string(head.size() < 26 ? 26 - head.size() : 1, ' ') << f.meaning;
    if (*f.fallback)
      out << " [" << f.fallback << "]";
    out << "\n";
  }
  out << "\nExamples:\n"
         "  persona-loadgen --events=2000000                       ingest as fast as the node answers\n"
         "  persona-loadgen --event-rate=300000 --duration=30 --mix=ingest=90,get_profile=8,query=2\n"
         "  persona-loadgen --events=100000 --verify               check nothing is lost or doubled\n"
         "  persona-loadgen --events=100000 --dump=events.jsonl    write the events instead\n";
  return out.str();
}

}  // namespace persona::loadgen
