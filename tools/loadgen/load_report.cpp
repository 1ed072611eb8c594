#include "tools/loadgen/load_report.hpp"

#include <unistd.h>
#include <fstream>
#include <nlohmann/json.hpp>

namespace persona::loadgen {

namespace {

std::string errors_text(const operation_stats::totals& t) {
  std::string out;
  for (auto& [code, n] : t.errors)
    out += (out.empty() ? "" : ", ") + code + " " + std::to_string(n);
  return out.empty() ? "-" : out;
}

std::string ms(double us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, us < 10000 ? "%.3f" : "%.1f", us / 1000);
  return buf;
}

}  // namespace

void print_report(std::FILE* out, const run_report& r) {
  std::fprintf(out, "\n%s, %s, %u connection(s), batches of %u events, %.2f s\n", r.target.c_str(),
               r.mode.c_str(), r.connections, r.batch, r.seconds);
  std::fprintf(out, "%-12s %10s %10s %12s %13s %9s %9s %9s %9s %9s  %s\n", "operation", "ok", "errors",
               "requests/s", "events/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms",
               "errors by code");
  for (auto& [name, t] : r.operations) {
    uint64_t total = t.ok + t.error_count();
    if (total == 0)
      continue;
    auto& h = t.latency;
    std::fprintf(out, "%-12s %10llu %10llu %12.0f %13.0f %9s %9s %9s %9s %9s  %s\n", name.c_str(),
                 static_cast<unsigned long long>(t.ok), static_cast<unsigned long long>(t.error_count()),
                 total / r.seconds, t.events / r.seconds, ms(h.percentile(0.5)).c_str(),
                 ms(h.percentile(0.9)).c_str(), ms(h.percentile(0.99)).c_str(),
                 ms(h.percentile(0.999)).c_str(), ms(h.max()).c_str(), errors_text(t).c_str());
  }
  if (r.users)
    std::fprintf(out, "memory: %llu users, %.0f bytes per user\n", static_cast<unsigned long long>(r.users),
                 r.bytes_per_user);
  if (r.check) {
    auto& c = *r.check;
    if (!c.error.empty())
      std::fprintf(out, "verify: FAILED: %s\n", c.error.c_str());
    else
      std::fprintf(out,
                   "verify: %s: %u users checked, %u mismatched, %u left out (a batch of theirs failed)\n",
                   c.passed() ? "passed" : "FAILED", c.checked, c.mismatched, c.uncertain);
    for (auto& e : c.examples)
      std::fprintf(out, "  %s\n", e.c_str());
    std::fprintf(out, "risk flags of labelled users (flag expected; flags last 24 h of event time):\n");
    for (size_t k = 0; k < anomaly_kind_count; ++k) {
      if (!c.anomalous_users[k])
        continue;
      auto kind = static_cast<anomaly_kind>(k);
      std::fprintf(out, "  %-16s %6u users, %5.1f%% with %s\n", k ? to_string(kind) : "ordinary (sample)",
                   c.anomalous_users[k], 100.0 * c.flagged[k] / c.anomalous_users[k],
                   k ? expected_flag(kind) : "any flag");
    }
  }
}

status write_report_json(const std::string& path, const run_report& r) {
  nlohmann::json j;
  j["target"] = r.target;
  j["mode"] = r.mode;
  j["connections"] = r.connections;
  j["batch"] = r.batch;
  j["seconds"] = r.seconds;
  for (auto& [name, t] : r.operations) {
    auto& h = t.latency;
    nlohmann::json op;
    op["ok"] = t.ok;
    op["errors"] = t.error_count();
    op["errors_by_code"] = t.errors;
    op["requests_per_s"] = (t.ok + t.error_count()) / r.seconds;
    op["events_per_s"] = t.events / r.seconds;
    op["events"] = t.events;
    op["latency_us"] = {{"p50", h.percentile(0.5)},
                        {"p90", h.percentile(0.9)},
                        {"p99", h.percentile(0.99)},
                        {"p999", h.percentile(0.999)},
                        {"max", h.max()}};
    j["operations"][name] = op;
  }
  if (r.users)
    j["memory"] = {{"users", r.users}, {"bytes_per_user", r.bytes_per_user}};
  if (r.check) {
    auto& c = *r.check;
    j["verify"] = {{"passed", c.passed()},     {"checked", c.checked},   {"mismatched", c.mismatched},
                   {"uncertain", c.uncertain}, {"examples", c.examples}, {"error", c.error}};
    for (size_t k = 0; k < anomaly_kind_count; ++k)
      j["verify"]["risk"][to_string(static_cast<anomaly_kind>(k))] = {{"users", c.anomalous_users[k]},
                                                                      {"flagged", c.flagged[k]}};
  }
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out)
    return {error_code::internal, "cannot write " + path + "; check the directory exists and is writable"};
  return {};
}

live_line::live_line(std::vector<std::unique_ptr<operation_stats>>& stats, double warmup_s)
    : stats_(stats), terminal_(isatty(STDERR_FILENO)), warmup_s_(warmup_s) {
  thread_ = std::thread([this] { loop(); });
}

live_line::~live_line() {
  stop();
}

void live_line::stop() {
  stop_ = true;
  if (!thread_.joinable())
    return;
  thread_.join();
  if (terminal_)
    std::fputc('\n', stderr);
}

void live_line::loop() {
  std::vector<operation_stats::totals> window(stats_.size());
  const int every = terminal_ ? 1 : 5;
  int seconds = 0;
  while (!stop_) {
    for (int i = 0; i < 10 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop_)
      break;
    ++seconds;
    for (size_t i = 0; i < stats_.size(); ++i) {
      auto t = stats_[i]->take_interval();
      window[i].latency.merge(t.latency);
      window[i].ok += t.ok;
      window[i].events += t.events;
      for (auto& [code, n] : t.errors)
        window[i].errors[code] += n;
    }
    if (seconds % every != 0)
      continue;
    std::string line;
    for (size_t i = 0; i < stats_.size(); ++i) {
      auto& t = window[i];
      uint64_t total = t.ok + t.error_count();
      if (total == 0)
        continue;
      char part[200];
      std::snprintf(part, sizeof part, "%s%s %.0f req/s%s p50 %s ms p99 %s ms err %llu",
                    line.empty() ? "" : " | ", stats_[i]->name().c_str(), double(total) / every,
                    t.events ? (" " + std::to_string(t.events / every) + " ev/s").c_str() : "",
                    ms(t.latency.percentile(0.5)).c_str(), ms(t.latency.percentile(0.99)).c_str(),
                    static_cast<unsigned long long>(t.error_count()));
      line += part;
      t = operation_stats::totals{};
    }
    const char* idle = seconds <= warmup_s_ ? "warming up (not measured)" : "waiting for answers";
    std::fprintf(stderr, terminal_ ? "\r\033[K[%4ds] %s" : "[%4ds] %s\n", seconds,
                 line.empty() ? idle : line.c_str());
    std::fflush(stderr);
  }
}

}  // namespace persona::loadgen
