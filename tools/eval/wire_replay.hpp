// wire_replay: the evaluation of engine_replay.hpp against a running node
// over MessagePack-RPC, as a shop's client sees it: the training stream
// is sent through `ingest` at full speed (pipelined batches on one
// connection, so events apply in time order), the tool waits until
// `stats` says the item model caught up (nothing waiting, everything
// published), then asks `recommend` for every held-out user at the time of
// their held-out interaction, with what the node learnt after the whole
// stream (persona-eval --ask=end's information). Without ingest it only
// waits and asks: the second half of a restart test.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/recommender.hpp"
#include "tools/eval/engine_replay.hpp"

namespace persona::eval {

struct wire_settings {
  std::string host = "127.0.0.1";
  uint16_t port = 7400;
  /// Sends the catalog and training stream first.
  bool ingest = true;
  /// Events per ingest call, and calls in flight at once.
  size_t batch_events = 4096;
  size_t in_flight = 8;
  /// 1: validation, 2: test (as replay_settings::phase).
  uint8_t phase = 2;
  size_t k = 20;
  std::vector<rec_strategy> strategies;
  /// The longest wait for the item model to catch up.
  std::chrono::seconds catch_up_timeout{600};
};

/// The figures (recommend times as the client measured them), and how
/// long sending and catching up took.
struct wire_figures {
  replay_figures figures;
  double ingest_seconds = 0;
  /// From the end of ingest (or from the start, without) to caught up.
  double catch_up_seconds = 0;
  /// The node's stats.item_model when it caught up: signals, learnt,
  /// dropped_signals.
  uint64_t signals = 0;
  uint64_t learnt = 0;
  uint64_t dropped = 0;
};

result<wire_figures> replay_over_wire(const dataset& d, const evaluation_split& split,
                                      const wire_settings& s);

}  // namespace persona::eval
