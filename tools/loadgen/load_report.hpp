// load_report: what persona-loadgen prints: a live line each second while
// the run goes (rate, p50, p99, errors), then a table per operation (count,
// errors by code, throughput, p50, p90, p99, p99.9, max) and, with --json,
// the same as a JSON document. The live line runs on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/util/status.hpp"
#include "tools/loadgen/operation_stats.hpp"
#include "tools/loadgen/profile_check.hpp"

namespace persona::loadgen {

struct run_report {
  std::string target;
  /// How the load was driven, e.g. "closed loop, 8 in flight per connection".
  std::string mode;
  uint32_t connections = 0;
  uint32_t batch = 0;
  double seconds = 0;
  std::vector<std::pair<std::string, operation_stats::totals>> operations;
  /// Users in the target and its data's bytes per user, when known.
  uint64_t users = 0;
  double bytes_per_user = 0;
  std::optional<profile_check_report> check;
};

/// Prints the per-operation table (and the check, if any) to `out`.
void print_report(std::FILE* out, const run_report& r);
/// Writes the report as JSON to `path`.
status write_report_json(const std::string& path, const run_report& r);

/// Prints a line each second to stderr while alive: overwritten in place on
/// a terminal, a new line every 5 s otherwise (for logs).
class live_line {
 public:
  /// `warmup_s`: the first seconds, whose requests are not recorded.
  live_line(std::vector<std::unique_ptr<operation_stats>>& stats, double warmup_s);
  ~live_line();
  void stop();

 private:
  void loop();

  std::vector<std::unique_ptr<operation_stats>>& stats_;
  std::atomic<bool> stop_{false};
  bool terminal_;
  double warmup_s_;
  std::thread thread_;
};

}  // namespace persona::loadgen
