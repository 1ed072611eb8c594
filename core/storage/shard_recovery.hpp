// shard_recovery: brings one shard back from its directory at start. Loads
// the newest snapshot that reads back whole (falling back to older ones,
// with a warning naming each file and its fault), then replays the WAL
// records after it in sequence order. A torn or corrupt record ends its
// segment: the file is cut there with a warning naming file and offset (a
// crash tears only the newest segment's tail; a damaged disk may tear an
// older one, and then the records of later segments still replay, after
// a warning that names the gap). Long replays report progress.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "core/profile/item_catalog.hpp"
#include "core/storage/file_env.hpp"
#include "core/store/profile_store.hpp"
#include "core/util/log_sink.hpp"
#include "core/util/status.hpp"

namespace persona {

/// What a shard's recovery did.
struct recovery_report {
  /// The snapshot loaded, or empty.
  std::string snapshot;
  uint64_t snapshot_profiles = 0;
  /// Snapshots that did not read back and were skipped.
  uint32_t snapshots_skipped = 0;
  uint64_t wal_records = 0;
  uint64_t wal_events = 0;
  /// Erase records replayed: deletes since the snapshot.
  uint64_t wal_erases = 0;
  /// Bytes cut from torn or corrupt WAL tails.
  uint64_t bytes_cut = 0;
  /// The last WAL sequence number applied: the next record is this + 1.
  uint64_t last_seq = 0;
  /// The catalog as the shard last saw it.
  std::shared_ptr<const item_catalog> catalog;
  double seconds = 0;
};

/// Feeding a restored item model the WAL records it does not hold.
struct recovery_feed {
  /// The last record the item model holds: the newest snapshot at or
  /// before it is loaded (then newer ones, should none read back), and the
  /// records after it are applied with `feed` observing.
  uint64_t after_seq = 0;
  model_feed* feed = nullptr;
  /// Called after each record `feed` observed, with its sequence number.
  std::function<void(uint64_t)> fed;
};

/// Recovers the shard in `dir` (created if absent) into `store`, which must
/// be empty, through `env`, feeding `feed` (when not null). An error only
/// when the directory cannot be read or written.
result<recovery_report> recover_shard(const std::string& dir, profile_store& store, const log_sink& log,
                                      file_env& env = posix_env(), const recovery_feed* feed = nullptr);

/// The newest snapshot's WAL sequence number in `dir` and the newest at or
/// before `seq` (0: none), from the file names alone.
std::pair<uint64_t, uint64_t> snapshot_seqs(const std::string& dir, uint64_t seq,
                                            file_env& env = posix_env());

}  // namespace persona
