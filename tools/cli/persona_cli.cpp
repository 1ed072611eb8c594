// persona-cli: the command line client of a Persona node.
//
//   persona-cli [--host=H] [--port=P] [--token-file=F] [--tls-ca=F [--tls-cert=F --tls-key=F]] COMMAND ...
//   (the token: --token, --token-file or PERSONA_TOKEN)
//     ping | stats | snapshot | get USER [--fields=a,b] [--now=MS]
//     ingest FILE [--batch=500] [--allow-rejects]     (JSON lines, or CSV with a header)
//     query WHERE-JSON [--limit=N] [--agg=JSON] [--fields=a,b] [--now=MS]
//     set-attrs USER JSON | delete USER | merge SOURCE TARGET
//
// Errors print as the node's code and message; the exit code is 1 for an
// error, 2 for bad usage, 3 when ingest had rejections.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "net/client.hpp"
#include "tools/cli/cli_output.hpp"
#include "tools/cli/cluster_commands.hpp"
#include "tools/cli/event_file.hpp"
#include "tools/cli/json_value.hpp"
#include "tools/cli/recommend_commands.hpp"
#include "tools/cli/segment_commands.hpp"

using namespace persona;

namespace {

const char* kUsage =
    "usage: persona-cli [--host=127.0.0.1] [--port=7400] [--token-file=FILE]\n"
    "                   [--tls-ca=CA.pem [--tls-cert=CERT.pem --tls-key=KEY.pem]] COMMAND ...\n"
    "  the hello token: --token=TOKEN (visible in ps), else --token-file (mode 0600), else PERSONA_TOKEN\n"
    "  --tls-ca connects with TLS, trusting that CA for the node's certificate;\n"
    "  --tls-cert/--tls-key present a client certificate (the key file must be mode 0600)\n"
    "commands:\n"
    "  ping                                   check the node answers\n"
    "  stats                                  the node's figures\n"
    "  snapshot                               write a snapshot of every shard now\n"
    "  get USER [--fields=a,b] [--now=MS]     a profile, as JSON\n"
    "  ingest FILE [--batch=500] [--allow-rejects]\n"
    "                                         send events from JSON lines or CSV (header row);\n"
    "                                         exit 3 when any event was rejected unless --allow-rejects\n"
    "  upsert-items FILE [--batch=500] [--allow-rejects]\n"
    "                                         register catalog items (item, category, brand, price)\n"
    "                                         from JSON lines or CSV, the same way\n"
    "  query WHERE-JSON [--limit=N] [--agg=JSON-ARRAY] [--fields=a,b] [--now=MS]\n"
    "                                         users matching a condition, with aggregates\n"
    "  set-attrs USER JSON-MAP                set or (with null) delete attributes\n"
    "  delete USER                            delete a profile\n"
    "  merge SOURCE TARGET                    fold SOURCE into TARGET, delete SOURCE\n"
    "  segments list                          live segments with their sizes\n"
    "  segments define NAME WHERE-JSON        define (or redefine) a live segment\n"
    "  segments drop NAME                     drop a segment\n"
    "  segments members NAME [--limit=100] [--all]\n"
    "                                         its members, one per line\n"
    "  subscribe NAME... [--count=N]          print users entering and leaving, as JSON lines\n"
    "  clusters train --k=N --features=a,b [--seed=N] [--max-iter=N]\n"
    "                                         k-means; prints size and feature averages per cluster\n"
    "  clusters show                          the current clusters\n"
    "  clusters elbow --k=2..10 --features=a,b [--svg=FILE]\n"
    "                                         inertia per k, and an SVG plot of it\n"
    "  recommend USER [--k=10] [--strategy=auto|popular|item_cf|content|mf] [--category=NAME]\n"
    "            [--include-seen] [--now=MS]  ranked items, each with its reason\n"
    "  similar-items ITEM [--k=10]            items chosen together with ITEM\n"
    "  similar-users USER [--k=10]            users with the most like tastes\n"
    "  predict USER [--now=MS]                purchase propensity, churn risk, days to next purchase\n";

struct options {
  std::string host = "127.0.0.1";
  uint16_t port = 7400;
  std::string token;
  net::client_tls_options tls;
  std::string token_file;
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;  // --name=value
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

int usage_error(const std::string& what) {
  std::fprintf(stderr, "persona-cli: %s\n\n%s", what.c_str(), kUsage);
  return 2;
}

int print(const result<value>& r) {
  if (!r.ok())
    return cli::node_error(r.error());
  std::printf("%s\n", r->is_string() ? r->as_string().c_str() : r->to_pretty_json().c_str());
  return 0;
}

result<value> read_options(const options& o) {
  value m{value::map{}};
  if (o.flag("fields"))
    m.set("fields", cli::comma_list(o.get("fields")));
  if (o.flag("now"))
    m.set("now", value{static_cast<int64_t>(std::strtoll(o.get("now").c_str(), nullptr, 10))});
  if (o.flag("limit"))
    m.set("limit", value{static_cast<uint64_t>(std::strtoull(o.get("limit").c_str(), nullptr, 10))});
  if (o.flag("agg")) {
    auto agg = cli::parse_json(o.get("agg"), "--agg");
    if (!agg.ok())
      return agg;
    m.set("aggregate", std::move(*agg));
  }
  return m;
}

std::string human(double n) {
  char buf[32];
  if (n >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  else if (n >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

/// What a file of records is sent with: `ingest` (events) or
/// `upsert_items` (catalog items), and the answer's count of applied ones.
struct record_upload {
  const char* command;
  const char* method;
  const char* applied_key;
  const char* records;
};

constexpr record_upload event_upload{"ingest", "ingest", "accepted", "events"};
constexpr record_upload item_upload{"upsert-items", "upsert_items", "upserted", "items"};

/// Streams a file of records in pipelined batches, with a progress bar on a
/// terminal and a summary of rejections by code.
int upload(net::client& c, const options& o, const record_upload& kind) {
  if (o.positional.size() != 2)
    return usage_error(std::string(kind.command) + " takes one FILE");
  auto file = cli::event_file::open(o.positional[1]);
  if (!file.ok())
    return cli::node_error(file.error());
  size_t batch = std::strtoull(o.get("batch", "500").c_str(), nullptr, 10);
  if (batch == 0)
    return usage_error("--batch must be at least 1");
  const size_t window = 8;
  std::mutex m;
  std::condition_variable cv;
  size_t in_flight = 0;
  uint64_t sent = 0, accepted = 0, rejected = 0;
  std::map<std::string, uint64_t> by_code;
  std::map<std::string, std::string> example;
  std::optional<status> failure;
  bool tty = isatty(STDERR_FILENO);
  auto start = std::chrono::steady_clock::now();
  auto last_draw = start;
  auto draw = [&](bool final) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double frac = (*file)->size() ? static_cast<double>((*file)->bytes_read()) / (*file)->size() : 1.0;
    double rate = secs > 0 ? accepted / secs : 0;
    double eta = frac > 0 ? secs / frac - secs : 0;
    int filled = static_cast<int>(frac * 30);
    std::fprintf(stderr, "\r[%s%s] %3.0f%% %s %s, %s/s, ETA %.0fs   ", std::string(filled, '#').c_str(),
                 std::string(30 - filled, ' ').c_str(), frac * 100, human(static_cast<double>(sent)).c_str(),
                 kind.records, human(rate).c_str(), final ? 0.0 : eta);
    if (final)
      std::fprintf(stderr, "\n");
  };
  while (true) {
    std::vector<value> events;
    auto more = (*file)->read(batch, events);
    if (!more.ok()) {
      failure = more.error();
      break;
    }
    if (!events.empty()) {
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return in_flight < window || failure; });
        if (failure)
          break;
        ++in_flight;
        sent += events.size();
      }
      value params{value::array{value{std::move(events)}}};
      c.call(kind.method, params, [&](result<value> r) {
        std::lock_guard<std::mutex> lock(m);
        --in_flight;
        if (!r.ok()) {
          failure = r.error();
        } else {
          accepted += static_cast<uint64_t>(r->find(kind.applied_key)->as_int());
          for (auto& rej : r->find("rejected")->as_array()) {
            ++rejected;
            auto code = rej.find("code")->as_string();
            if (by_code[code]++ == 0)
              example[code] = rej.find("message")->as_string();
          }
        }
        cv.notify_all();
      });
    }
    if (tty && std::chrono::steady_clock::now() - last_draw > std::chrono::milliseconds(200)) {
      std::lock_guard<std::mutex> lock(m);
      draw(false);
      last_draw = std::chrono::steady_clock::now();
    }
    if (!*more)
      break;
  }
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  if (tty)
    draw(true);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sent %llu %s: %llu %s, %llu rejected, in %.2f s (%s %s/s)\n",
              static_cast<unsigned long long>(sent), kind.records, static_cast<unsigned long long>(accepted),
              kind.applied_key, static_cast<unsigned long long>(rejected), secs,
              human(secs > 0 ? accepted / secs : 0).c_str(), kind.records);
  for (auto& [code, n] : by_code)
    std::printf("  %-14s %8llu  e.g. %s\n", code.c_str(), static_cast<unsigned long long>(n),
                example[code].c_str());
  if (failure)
    return cli::node_error(*failure);
  if (rejected > 0 && !o.flag("allow-rejects")) {
    std::fprintf(stderr,
                 "persona-cli: %llu record(s) were rejected (see above); pass --allow-rejects to exit 0\n",
                 static_cast<unsigned long long>(rejected));
    return 3;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      auto name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      auto val = eq == std::string::npos ? "" : a.substr(eq + 1);
      // `--name value` as well as `--name=value`, except for the switches.
      static const char* switches[] = {"all", "allow-rejects", "include-seen"};
      bool is_switch = std::find(std::begin(switches), std::end(switches), name) != std::end(switches);
      if (eq == std::string::npos && !is_switch && i + 1 < argc &&
          std::string(argv[i + 1]).rfind("--", 0) != 0)
        val = argv[++i];
      if (name == "host")
        o.host = val;
      else if (name == "port")
        o.port = static_cast<uint16_t>(std::strtoul(val.c_str(), nullptr, 10));
      else if (name == "token")
        o.token = val;
      else if (name == "tls-ca")
        o.tls.ca_file = val;
      else if (name == "tls-cert")
        o.tls.cert_file = val;
      else if (name == "tls-key")
        o.tls.key_file = val;
      else if (name == "token-file")
        o.token_file = val;
      else
        o.flags[name] = val;
    } else {
      o.positional.push_back(a);
    }
  }
  if (o.positional.empty())
    return usage_error("no command given");
  const std::string& cmd = o.positional[0];
  auto need = [&](size_t n) { return o.positional.size() == n + 1; };

  net::client c;
  if (!o.tls.enabled() && !o.tls.cert_file.empty())
    return usage_error("--tls-cert needs --tls-ca (the CA of the node's certificate)");
  if (auto st = c.connect(o.host, o.port, std::chrono::seconds(5), o.tls); !st.ok())
    return cli::node_error(st);
  auto token = net::client_token(o.token, o.token_file);
  if (!token.ok())
    return usage_error(token.error().message());
  o.token = *token;
  if (!o.token.empty()) {
    auto hello = c.call_sync(
        "hello",
        value{value::array{value{value::map{{"token", value{o.token}}, {"client", value{"persona-cli"}}}}}});
    if (!hello.ok())
      return cli::node_error(hello.error());
  }
  auto args = [](std::vector<value> xs) { return value{value::array(xs.begin(), xs.end())}; };
  if (cmd == "ping")
    return print(c.call_sync("ping", args({})));
  if (cmd == "stats")
    return print(c.call_sync("stats", args({})));
  if (cmd == "snapshot")
    return print(c.call_sync("snapshot", args({}), std::chrono::hours(24)));
  if (cmd == "get") {
    if (!need(1))
      return usage_error("get takes one USER");
    auto opts = read_options(o);
    if (!opts.ok())
      return cli::node_error(opts.error());
    return print(c.call_sync("get_profile", args({value{o.positional[1]}, *opts})));
  }
  if (cmd == "ingest")
    return upload(c, o, event_upload);
  if (cmd == "upsert-items")
    return upload(c, o, item_upload);
  if (cmd == "query") {
    if (!need(1))
      return usage_error("query takes one WHERE-JSON");
    auto where = cli::parse_json(o.positional[1], "WHERE-JSON");
    if (!where.ok())
      return cli::node_error(where.error());
    auto opts = read_options(o);
    if (!opts.ok())
      return cli::node_error(opts.error());
    return print(c.call_sync("query", args({*where, *opts})));
  }
  if (cmd == "set-attrs") {
    if (!need(2))
      return usage_error("set-attrs takes USER and a JSON map");
    auto attrs = cli::parse_json(o.positional[2], "the attributes");
    if (!attrs.ok())
      return cli::node_error(attrs.error());
    return print(c.call_sync("set_attributes", args({value{o.positional[1]}, *attrs})));
  }
  if (cmd == "delete") {
    if (!need(1))
      return usage_error("delete takes one USER");
    return print(c.call_sync("delete_profile", args({value{o.positional[1]}})));
  }
  if (cmd == "merge") {
    if (!need(2))
      return usage_error("merge takes SOURCE and TARGET");
    return print(c.call_sync("merge_profiles", args({value{o.positional[1]}, value{o.positional[2]}})));
  }
  if (cmd == "segments")
    return cli::run_segments(c, {o.positional.begin() + 1, o.positional.end()}, o.flags);
  if (cmd == "clusters")
    return cli::run_clusters(c, {o.positional.begin() + 1, o.positional.end()}, o.flags);
  if (cmd == "recommend" || cmd == "similar-items" || cmd == "similar-users" || cmd == "predict")
    return cli::run_recommend(c, cmd, {o.positional.begin() + 1, o.positional.end()}, o.flags);
  if (cmd == "subscribe")
    return cli::run_subscribe(c, {o.positional.begin() + 1, o.positional.end()}, o.flags);
  return usage_error("unknown command '" + cmd + "'");
}
