// item_model_actor: the actor that owns the node's item_model_builder. Shards
// send it model_batches (item signals and labelled propensity examples) as
// they apply events; every `publish_interval` it publishes a new immutable
// item_model version into the node's item_model_holder, which readers on
// any thread load without locking. Changed items' neighbour lists are
// rebuilt every `neighbour_interval`, and factors, the largest part,
// copied every `factor_interval`; versions between share the previous ones.
//
// Lag is bounded: a batch that reaches the actor more than `shed_after`
// after its shard collected it still counts for popularity, but its
// co-occurrence and factor updates are skipped, so under overload the model
// sheds learning work instead of falling ever further behind. Versions
// record their lag and the batches shed (stats: "item_model"). What waits
// in the mailbox is bounded too: shards drop signals past
// `model_backlog`'s bound before sending (core/model/model_backlog.hpp).
//
// Messages:
//   model_batch (local)       a shard's signals and examples; no answer
//   (publish)                 the actor's own timer
//   retired version (local)   a version a shard no longer reads: dropped here
//   (refresh)                 -> uint64_t: publish now (tools and tests,
//                                after every shard flushed its feed)
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>

#include "core/model/item_model.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/item_signal.hpp"
#include "core/model/model_backlog.hpp"
#include "core/util/log_sink.hpp"

namespace persona {

struct item_model_setup {
  item_model_config config;
  std::shared_ptr<item_model_holder> holder;
  std::chrono::milliseconds publish_interval{200};
  std::chrono::milliseconds factor_interval{1000};
  std::chrono::milliseconds neighbour_interval{500};
  std::chrono::milliseconds shed_after{500};
  /// The niceness of the actor's thread: learning is background work. At
  /// 19, shards and network threads take the core from it whenever they
  /// wake: it learns in the cores' idle time, and under saturation falls
  /// behind and sheds (signals late by `shed_after` count for popularity
  /// only) instead of stalling ingest and reads. Its version rebuilds hold
  /// a core for 20 to 300 ms.
  int nice = 19;
  /// The signals on their way here, counted down as batches arrive (null:
  /// not bounded).
  std::shared_ptr<model_backlog> backlog;
  /// Where the actor warns that signals are being dropped (at most once a
  /// minute).
  log_sink log;
};

caf::actor spawn_item_model(caf::actor_system& sys, item_model_setup setup);

/// Sends `batch` to the item model actor from any thread.
void send_model_batch(const caf::actor& model, model_batch batch);

/// Hands a version a reader no longer needs to the item model actor, so
/// that freeing it (when it was the last reference) happens there.
void retire_model_version(const caf::actor& model, std::shared_ptr<const item_model> version);

}  // namespace persona
