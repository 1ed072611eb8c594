// redis_driver: the benchmark suite's baseline. Sends the same event stream
// to Redis, one FCALL of the `persona_ingest` function
// (scripts/bench/persona_profile.lua) per batch, over the same connections
// with the same number of batches in flight per connection as the Persona
// run (closed loop). Records into the ingest operation_stats.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "core/util/status.hpp"
#include "tools/loadgen/event_stream.hpp"
#include "tools/loadgen/loadgen_options.hpp"
#include "tools/loadgen/operation_stats.hpp"

namespace persona::loadgen {

/// One batch as an FCALL persona_ingest command.
std::string encode_redis_batch(const std::vector<sim_event>& all, const uint32_t* index, size_t count,
                               const shop_catalog& catalog);

class redis_driver {
 public:
  redis_driver(const loadgen_options& o, const event_stream& stream, operation_stats& ingest);

  /// Connects, checks the function is loaded, and notes Redis's memory.
  status connect();
  void run(const std::atomic<bool>& stop);
  /// Bytes Redis's data grew by since connect() (INFO memory used_memory).
  result<uint64_t> memory_growth();
  /// The first error Redis answered, if any.
  const std::string& first_error() const { return first_error_; }

 private:
  void drive(uint32_t lane, const std::atomic<bool>& stop);
  result<uint64_t> used_memory();

  const loadgen_options& opts_;
  const event_stream& stream_;
  operation_stats& ingest_;
  uint64_t memory_before_ = 0;
  std::string first_error_;
  std::mutex error_mutex_;
};

}  // namespace persona::loadgen
