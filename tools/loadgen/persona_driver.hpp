// persona_driver: sends a run's requests to a Persona node over
// `connections` MessagePack-RPC connections, one sender thread each.
//
// Closed loop: each connection keeps `window` requests in flight and
// latency is measured from the send. Open loop: request i is due at
// start + i / rate, whatever the node is doing, and latency is measured from
// that intended time, so a stalled node shows as latency instead of quietly
// slowing the load (no coordinated omission). Each request's operation is
// drawn from the mix; ingest requests carry the next batch of the
// connection's lane. The run ends when a lane's batches are all sent (or at
// the duration). Records into one operation_stats per operation.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "core/util/status.hpp"
#include "net/client.hpp"
#include "tools/loadgen/event_stream.hpp"
#include "tools/loadgen/loadgen_options.hpp"
#include "tools/loadgen/operation_stats.hpp"

namespace persona::loadgen {

class persona_driver {
 public:
  persona_driver(const loadgen_options& o, const event_stream& stream,
                 std::vector<std::unique_ptr<operation_stats>>& stats);

  /// Opens the connections (plus one for control calls) and says hello.
  status connect();
  /// Registers the catalog with upsert_items, in chunks.
  status upsert_catalog(const shop_catalog& catalog);
  /// Runs until the events are sent, the duration passes, or `stop` is set;
  /// returns when every request has been answered.
  void run(const std::atomic<bool>& stop);

  /// Whether batch `b` of lane `lane` was acknowledged (all its events applied).
  bool acked(size_t lane, size_t b) const { return acked_[lane][b] != 0; }
  /// Batches sent on lane `lane` (its first ones).
  size_t batches_sent(size_t lane) const { return *sent_count_[lane]; }
  /// The connection for control calls (stats, verify); idle during the run.
  net::client& control() { return *control_; }

 private:
  /// Sends lane `lane`'s requests on its connection (see above).
  void drive(uint32_t lane, const std::atomic<bool>& stop, std::chrono::steady_clock::time_point start);

  const loadgen_options& opts_;
  const event_stream& stream_;
  std::vector<std::unique_ptr<operation_stats>>& stats_;
  std::vector<std::unique_ptr<net::client>> clients_;
  std::unique_ptr<net::client> control_;
  std::vector<std::unique_ptr<std::atomic<uint8_t>[]>> acked_;
  /// Per lane: the length of the prefix of batches all acknowledged.
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> acked_count_;
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> sent_count_;
  std::vector<std::string> queries_;
};

}  // namespace persona::loadgen
