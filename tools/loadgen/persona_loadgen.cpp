// persona-loadgen: simulates a shop's shoppers (shop_simulation) and drives
// a Persona node, or the Redis baseline, with their events and reads; then
// reports throughput and latency per operation, and with --verify checks
// that nothing acknowledged was lost or doubled. See docs/loadgen.md.
//
// Exit codes: 0 done; 1 could not connect or set up; 2 bad flags;
// 3 some requests failed; 4 --verify found a mismatch.
#include <unistd.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <unordered_set>

#include "tools/loadgen/event_encoding.hpp"
#include "tools/loadgen/event_stream.hpp"
#include "tools/loadgen/load_report.hpp"
#include "tools/loadgen/loadgen_options.hpp"
#include "tools/loadgen/persona_driver.hpp"
#include "tools/loadgen/profile_check.hpp"
#include "tools/loadgen/redis_driver.hpp"

using namespace persona;
using namespace persona::loadgen;

namespace {

std::atomic<bool> interrupted{false};

void on_signal(int) {
  interrupted = true;
}

int fail(const std::string& what, int code = 1) {
  std::fprintf(stderr, "persona-loadgen: %s\n", what.c_str());
  return code;
}

/// `events.jsonl` -> `events.items.jsonl`.
std::string items_path_for(const std::string& dump) {
  const std::string ext = ".jsonl";
  if (dump.size() > ext.size() && dump.compare(dump.size() - ext.size(), ext.size(), ext) == 0)
    return dump.substr(0, dump.size() - ext.size()) + ".items.jsonl";
  return dump + ".items.jsonl";
}

/// --dump: the catalog and the events as JSON lines, for persona-cli.
int dump(shop_simulation& sim, const loadgen_options& o) {
  auto items_path = items_path_for(o.dump_path);
  std::ofstream items(items_path);
  const auto& catalog = sim.catalog();
  for (uint32_t i = 0; i < catalog.options().items; ++i) {
    char price[32];
    std::snprintf(price, sizeof price, "%.2f", catalog.price_of(i));
    items << "{\"item\":\"" << shop_catalog::item_id(i) << "\",\"category\":\""
          << shop_catalog::category_name(catalog.category_of(i)) << "\",\"brand\":\""
          << shop_catalog::brand_name(catalog.brand_of(i)) << "\",\"price\":" << price << "}\n";
  }
  std::ofstream events(o.dump_path);
  for (uint64_t n = 0; n < o.events && events; ++n)
    events << event_json(sim.next(), catalog) << '\n';
  if (!items || !events)
    return fail("cannot write " + o.dump_path + " or " + items_path + "; check the directory is writable");
  std::printf(
      "wrote %llu events to %s and %u items to %s\n"
      "load them with: persona-cli upsert-items %s && persona-cli ingest %s\n",
      static_cast<unsigned long long>(o.events), o.dump_path.c_str(), catalog.options().items,
      items_path.c_str(), items_path.c_str(), o.dump_path.c_str());
  return 0;
}

/// Progress of a long step: redrawn in place on a terminal, every quarter in a log.
void show_progress(const char* what, uint64_t done, uint64_t total) {
  static const bool terminal = isatty(STDERR_FILENO);
  double pct = 100.0 * done / std::max<uint64_t>(total, 1);
  if (terminal)
    std::fprintf(stderr, "\r%s: %3.0f%%%s", what, pct, done >= total ? "\n" : "");
  else if (static_cast<int>(pct) % 25 == 0)
    std::fprintf(stderr, "%s: %3.0f%%\n", what, pct);
}

std::string describe_mode(const loadgen_options& o) {
  char buf[160];
  if (o.open_loop())
    std::snprintf(buf, sizeof buf, "open loop at %.0f requests/s (latency from the intended send time)",
                  o.rate);
  else
    std::snprintf(buf, sizeof buf, "closed loop, %u in flight per connection", o.window);
  std::string mode = buf;
  if (o.warmup_s > 0)
    mode += ", the first " + std::to_string(static_cast<int>(o.warmup_s)) + " s not measured";
  return mode;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  auto parsed = loadgen_options::parse(argc, argv, help);
  if (help) {
    std::fputs(loadgen_options::help_text().c_str(), stdout);
    return 0;
  }
  if (!parsed.ok())
    return fail(parsed.error().message(), 2);
  const loadgen_options& o = *parsed;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  shop_simulation sim(o.simulation);
  if (!o.dump_path.empty())
    return dump(sim, o);

  batch_encoder encode;
  if (o.target == "persona")
    encode = [&](const std::vector<sim_event>& all, const uint32_t* index, size_t n) {
      return encode_ingest_params(all, index, n, sim.catalog());
    };
  else
    encode = [&](const std::vector<sim_event>& all, const uint32_t* index, size_t n) {
      return encode_redis_batch(all, index, n, sim.catalog());
    };
  auto started = std::chrono::steady_clock::now();
  uint64_t events = o.mixes(operation::ingest) ? o.events : std::min<uint64_t>(o.events, 100000);
  auto stream =
      generate_stream(sim, events, o.connections, o.batch, encode,
                      [](uint64_t done, uint64_t total) { show_progress("generating events", done, total); });
  std::fprintf(stderr, "generated %llu events of %u users in %.1f s (seed %llu)\n",
               static_cast<unsigned long long>(events), sim.users(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
               static_cast<unsigned long long>(o.simulation.seed));

  std::vector<std::unique_ptr<operation_stats>> stats;
  for (size_t i = 0; i < operation_count; ++i)
    stats.push_back(std::make_unique<operation_stats>(to_string(static_cast<operation>(i))));

  run_report report;
  report.target = o.target + " at " + o.host + ":" + std::to_string(o.port);
  report.mode = describe_mode(o);
  report.connections = o.connections;
  report.batch = o.batch;
  std::unique_ptr<persona_driver> persona;
  std::unique_ptr<redis_driver> redis;
  if (o.target == "persona") {
    persona = std::make_unique<persona_driver>(o, stream, stats);
    if (auto st = persona->connect(); !st.ok())
      return fail(st.message());
    if (o.upsert_catalog)
      if (auto st = persona->upsert_catalog(sim.catalog()); !st.ok())
        return fail(st.message());
  } else {
    redis = std::make_unique<redis_driver>(o, stream, *stats[0]);
    if (auto st = redis->connect(); !st.ok())
      return fail(st.message());
  }

  auto t0 = std::chrono::steady_clock::now();
  {
    std::unique_ptr<live_line> live;
    if (o.live)
      live = std::make_unique<live_line>(stats, o.warmup_s);
    if (persona)
      persona->run(interrupted);
    else
      redis->run(interrupted);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (o.warmup_s > 0 && o.warmup_s < report.seconds)
    report.seconds -= o.warmup_s;
  for (auto& s : stats)
    report.operations.emplace_back(s->name(), s->snapshot());

  if (persona) {
    auto st = persona->control().call_sync("stats", value{value::array{}});
    if (st.ok()) {
      uint64_t users = 0;
      st->find("users")->get_uint(users);
      auto* mem = st->find("memory");
      double bytes = 0;
      for (auto* key : {"profile_bytes", "index_bytes", "symbol_bytes"})
        if (auto* v = mem ? mem->find(key) : nullptr)
          bytes += v->as_double();
      report.users = users;
      report.bytes_per_user = users ? bytes / users : 0;
    }
    if (o.verify)
      report.check = check_profiles(persona->control(), stream, *persona, sim, o.verify_users);
  } else {
    std::unordered_set<uint32_t> users;
    for (auto& e : stream.events)
      users.insert(e.user);
    auto grown = redis->memory_growth();
    if (grown.ok() && !users.empty()) {
      report.users = users.size();
      report.bytes_per_user = static_cast<double>(*grown) / users.size();
    }
    if (!redis->first_error().empty())
      std::fprintf(stderr, "persona-loadgen: %s\n", redis->first_error().c_str());
  }

  print_report(stdout, report);
  if (!o.json_path.empty())
    if (auto st = write_report_json(o.json_path, report); !st.ok())
      return fail(st.message());
  if (report.check && !report.check->passed())
    return 4;
  for (auto& [name, t] : report.operations)
    if (t.error_count())
      return 3;
  return 0;
}
