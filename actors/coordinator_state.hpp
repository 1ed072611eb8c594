// coordinator_state: the coordinator actor's state, shared by the files
// that implement its handlers (coordinator_actor.cpp, coordinator_segments.cpp,
// cluster_training.cpp). Touched only by the coordinator. Pulls in CAF:
// include from those files only.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/util/value.hpp"

namespace persona {

/// State of the coordinator: the shard table and the deadline per request.
struct coordinator_state {
  std::vector<caf::actor> shards;
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds snapshot_timeout{600000};
  /// Whether a train_clusters is running (shards hold one training at a time).
  bool training = false;
  static inline const char* name = "persona.coordinator";

  std::string shard_name(size_t i) const { return "shard " + std::to_string(i); }
};

using self_ptr = caf::stateful_actor<coordinator_state>*;

/// Defines a segment in every shard; its size summed (coordinator_segments.cpp).
caf::result<uint64_t> define_segment(self_ptr self, const std::string& name, const value& where);
/// Drops a segment in every shard; whether any had it.
caf::result<bool> drop_segment(self_ptr self, const std::string& name);
/// Every segment with its condition and size summed over shards.
caf::result<value> list_segments(self_ptr self);
/// A page of members from `shard`, `slot` on (the cursor of the page before).
caf::result<value> segment_members(self_ptr self, const std::string& name, uint64_t shard, uint64_t slot,
                                   uint64_t limit);
/// k-means over the shards (cluster_training.cpp); options checked by the engine.
caf::result<value> train_clusters(self_ptr self, const value& options);

}  // namespace persona
