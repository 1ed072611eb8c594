#include "tools/loadgen/operation_stats.hpp"

namespace persona::loadgen {

uint64_t operation_stats::totals::error_count() const {
  uint64_t n = 0;
  for (auto& [code, count] : errors)
    n += count;
  return n;
}

void operation_stats::record_ok(double us, uint64_t events) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto* t : {&run_, &interval_}) {
    t->latency.record(us);
    ++t->ok;
    t->events += events;
  }
}

void operation_stats::record_error(double us, const std::string& code) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto* t : {&run_, &interval_}) {
    t->latency.record(us);
    ++t->errors[code];
  }
}

operation_stats::totals operation_stats::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return run_;
}

operation_stats::totals operation_stats::take_interval() {
  std::lock_guard<std::mutex> lock(mutex_);
  totals out = interval_;
  interval_ = totals{};
  return out;
}

}  // namespace persona::loadgen
