#include "actors/shard_ingest.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace persona {

batch_join::batch_join(std::vector<uint32_t> shards, callback done)
    : shards_(std::move(shards)), delivered_(shards_.size(), false), done_(std::move(done)) {}

batch_join::~batch_join() {
  // Nobody else holds the join now: no lock needed.
  auto missing = std::find(delivered_.begin(), delivered_.end(), false);
  if (missing == delivered_.end())
    return;
  done_(status{error_code::unavailable, "shard " + std::to_string(shards_[missing - delivered_.begin()]) +
                                            " stopped before applying its part of the batch; "
                                            "retry, and check the node's log"});
}

void batch_join::deliver(size_t part, const status* err, batch_outcome& outcome) {
  std::unique_lock<std::mutex> lock(mu_);
  if (part >= delivered_.size() || delivered_[part])
    return;
  delivered_[part] = true;
  if (err) {
    if (!error_)
      error_ = *err;
  } else {
    merged_.accepted += outcome.accepted;
    merged_.not_kept += outcome.not_kept;
    for (auto& r : outcome.rejected)
      merged_.rejected.push_back(std::move(r));
  }
  if (std::find(delivered_.begin(), delivered_.end(), false) != delivered_.end())
    return;
  lock.unlock();
  if (error_)
    done_(std::move(*error_));
  else
    done_(std::move(merged_));
}

}  // namespace persona
