// operation_stats: what one kind of request (ingest, get_profile, query)
// did during a run: latencies (whole run and the current one-second
// interval), completions, events carried, and errors by code. Recorded from
// the clients' I/O threads, read by the reporter: every member locks.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "tools/loadgen/latency_histogram.hpp"

namespace persona::loadgen {

class operation_stats {
 public:
  explicit operation_stats(std::string name) : name_(std::move(name)) {}

  /// A request that succeeded after `us` microseconds, carrying `events`.
  void record_ok(double us, uint64_t events);
  /// A request that failed with `code` (e.g. "overloaded", "timeout").
  void record_error(double us, const std::string& code);

  /// The whole run so far.
  struct totals {
    latency_histogram latency;
    uint64_t ok = 0;
    uint64_t events = 0;
    std::map<std::string, uint64_t> errors;
    uint64_t error_count() const;
  };
  totals snapshot() const;
  /// The samples since the previous call (for the live line), then resets them.
  totals take_interval();

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  mutable std::mutex mutex_;
  totals run_;
  totals interval_;
};

}  // namespace persona::loadgen
