// model_backlog: bounds the item signals on their way from the shards to
// the item model. The item model learns in the cores' idle time; when
// ingest saturates them it falls behind, and every signal sent meanwhile
// waits in its mailbox as memory (64 bytes each): 1.5 million events a
// second and a second behind held about 270 MB more at the peak of a
// full-speed run. Past `max_signals` waiting, a shard's batch goes without
// its signals, which are counted as dropped; its labelled propensity
// examples still go (they are few, and the model learns from each), and
// so do the signals of histories replayed after a restart (the model is
// rebuilt from them). Under saturation the item model then learns from
// the share of the stream it keeps up with, as it sheds learning work
// anyway (item_model_actor.hpp); the memory stays bounded.
//
// Shared by the shards (admit, on their threads) and the item model (done,
// on its own); lock-free. Shards admit a batch while the backlog is under
// the bound, so it may pass it by one batch per shard.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/model/item_signal.hpp"

namespace persona {

class model_backlog {
 public:
  /// `max_signals` 0: no bound.
  explicit model_backlog(uint64_t max_signals) : max_signals_(max_signals) {}

  /// Before `batch` is sent: keeps its signals while the backlog is under
  /// the bound (they are then waiting), else clears them and counts them
  /// as dropped. Whether anything is left to send.
  bool admit(model_batch& batch);
  /// The item model took a batch with `signals` signals off the backlog.
  void done(uint64_t signals) { waiting_.fetch_sub(signals, std::memory_order_relaxed); }

  uint64_t max_signals() const { return max_signals_; }
  /// Signals sent and not yet taken by the item model.
  uint64_t waiting() const { return waiting_.load(std::memory_order_relaxed); }
  /// Signals dropped since the start, the backlog being full.
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  /// A warning for the node's log when signals were dropped since the last
  /// one, at most one every `interval_ns` (steady clock); empty otherwise.
  /// Called from one thread only (the item model's).
  std::string drop_warning(int64_t now_ns, int64_t interval_ns);

 private:
  const uint64_t max_signals_;
  std::atomic<uint64_t> waiting_{0};
  std::atomic<uint64_t> dropped_{0};
  // drop_warning's own: what the last warning counted, and when.
  uint64_t warned_dropped_ = 0;
  int64_t warned_ns_ = 0;
  bool warned_ = false;
};

}  // namespace persona
