// model_backlog: bounds the item signals on their way from the shards to
// the item model and waiting there to be learnt from. The item model
// learns in the cores' idle time and within its budget while the stream is
// live; when ingest outruns it, every signal sent meanwhile waits, in its
// mailbox or its builder's queue, as memory (64 bytes each): 1.5 million
// events a second and a second behind held about 270 MB more at the peak
// of a full-speed run. Past `max_signals` waiting, a shard's batch goes
// without its signals, which are counted as dropped; its labelled
// propensity examples still go (they are few, and the model learns from
// each), and so do the signals replayed after a restart (the model is
// brought up to date from them). Of the bound, half may wait in the item
// model's queue: past that it counts new signals for popularity only and
// counts them as dropped too, so under lasting overload popularity still
// sees the stream. The memory stays bounded; below the bound every signal
// is learnt.
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
  /// The item model learnt `signals` signals (or set them aside for good).
  void done(uint64_t signals) { waiting_.fetch_sub(signals, std::memory_order_relaxed); }
  /// The item model counted `signals` for popularity only (its queue was
  /// full): dropped for learning.
  void set_aside(uint64_t signals) { dropped_.fetch_add(signals, std::memory_order_relaxed); }
  /// Signals that wait without having been sent: a restored state's.
  void restored(uint64_t signals) { waiting_.fetch_add(signals, std::memory_order_relaxed); }
  /// The item model says whether its last version holds all it learnt.
  void set_published(bool all) { published_.store(all, std::memory_order_relaxed); }
  /// Nothing waits and the last version holds everything learnt.
  bool caught_up() const { return waiting() == 0 && published_.load(std::memory_order_relaxed); }

  uint64_t max_signals() const { return max_signals_; }
  /// Signals sent and not yet learnt from by the item model.
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
  std::atomic<bool> published_{true};
  // drop_warning's own: what the last warning counted, and when.
  uint64_t warned_dropped_ = 0;
  int64_t warned_ns_ = 0;
  bool warned_ = false;
};

}  // namespace persona
