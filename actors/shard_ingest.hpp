// shard_ingest: one shard's part of an ingest batch, handed from a plain
// thread straight to the shard, like a point read (shard_read.hpp). The
// facade splits a batch by shard and posts each part; every shard reports
// its outcome to the batch_join the parts share, which answers the caller
// once all parts are in. Two mailbox messages a batch instead of seven
// (through a gateway and the coordinator, and back). Local-only: it
// carries a std::function.
#pragma once

#include <caf/fwd.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "actors/messages.hpp"
#include "core/store/profile_store.hpp"
#include "core/util/status.hpp"

namespace persona {

/// Collects the outcomes of a batch's parts and calls back once: with the
/// merged outcome when every part succeeded, else with the first error.
/// Thread-safe: shards deliver from their own threads. If a part is dropped
/// unanswered (its shard stopped), the destructor answers `unavailable`,
/// naming that shard.
class batch_join {
 public:
  using callback = std::function<void(result<batch_outcome>)>;

  /// `shards[i]` is the shard of part i.
  batch_join(std::vector<uint32_t> shards, callback done);
  ~batch_join();
  batch_join(const batch_join&) = delete;
  batch_join& operator=(const batch_join&) = delete;

  /// Part `part`'s outcome, or its error when `err` is set. Each part
  /// delivers once; the last one calls back.
  void deliver(size_t part, const status* err, batch_outcome& outcome);

 private:
  std::mutex mu_;
  std::vector<uint32_t> shards_;
  std::vector<bool> delivered_;
  batch_outcome merged_;
  std::optional<status> error_;
  callback done_;
};

struct shard_ingest {
  shard_batch batch;
  std::shared_ptr<batch_join> join;
  /// This part's index in `join`.
  uint32_t part = 0;
};

/// Enqueues `part` to `shard` from any thread, behind its queued messages.
/// The parts one thread posts reach each shard in the order posted.
void post_ingest(const caf::actor& shard, shard_ingest part);

}  // namespace persona
