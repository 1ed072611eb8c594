// snapshot_file: the on-disk image of one shard at one WAL sequence number.
// A snapshot is a record_file (framed, checksummed records):
//
//   header    msgpack map: format, shard, shards, wal_seq, events,
//             catalog_version, created_ms
//   catalog*  the shard's item catalog, in WAL catalog payloads
//   segments  msgpack array of [name, condition (bin: value encoding)], in
//             definition order (format 2 on; membership is re-evaluated at load)
//   model     the cluster model, as its WAL payload (when there is one)
//   profiles* msgpack arrays of [user, image] (image: profile_codec.hpp)
//   end       msgpack map: profiles, catalog_items
//
// A file without its end record, with a bad record, or whose counts do not
// match is not a snapshot: recovery falls back to the previous one. Layout
// in docs/formats.md ("snapshot"). Encoding is pure; loading reads a file
// through a file_env.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/profile/item_catalog.hpp"
#include "core/storage/file_env.hpp"
#include "core/store/profile_store.hpp"
#include "core/util/status.hpp"

namespace persona {

/// Version of the snapshot layout; bumped on any change.
constexpr uint32_t snapshot_format_version = 2;

struct snapshot_header {
  uint32_t shard = 0;
  uint32_t shards = 0;
  /// The last WAL record the snapshot includes; replay starts after it.
  uint64_t wal_seq = 0;
  /// Events the shard had applied (its `events` figure).
  uint64_t events = 0;
  uint64_t catalog_version = 0;
  int64_t created_ms = 0;
};

/// Builds a snapshot's bytes record by record, in order; each call returns
/// framed bytes to append to the file.
class snapshot_encoder {
 public:
  /// Records sealed under `seal` (kept alive by the caller) when given.
  explicit snapshot_encoder(const record_seal* seal = nullptr) : seal_(seal) {}
  std::string header(const snapshot_header& h);
  /// The catalog, in records of at most `items_per_record` items.
  std::string catalog(const item_catalog& c, size_t items_per_record = 10000);
  /// The same, encoded later by whoever calls the returned function (the
  /// writer's thread: a large catalog would stall the shard). The records'
  /// places in the file are taken now.
  std::function<std::string()> catalog_later(std::shared_ptr<const item_catalog> c,
                                             size_t items_per_record = 10000);
  /// The live segments' definitions, in definition order.
  std::string segments(const std::vector<std::pair<std::string, value>>& definitions);
  /// The cluster model (kmeans.hpp encoding).
  std::string cluster_model(const std::string& encoded);
  std::string profiles(const std::vector<captured_profile>& batch);
  std::string end();

 private:
  static std::string encode_catalog(const item_catalog& c, size_t items_per_record, uint64_t first_seq,
                                    const record_seal* seal);

  const record_seal* seal_ = nullptr;

  uint64_t next_seq_ = 0;
  uint64_t profiles_ = 0;
  uint64_t catalog_items_ = 0;
};

/// What loading a snapshot found.
struct loaded_snapshot {
  snapshot_header header;
  uint64_t profiles = 0;
  uint64_t bytes = 0;
  std::shared_ptr<const item_catalog> catalog;
};

/// Loads the snapshot at `path` into `store` (which should be empty). On
/// error, the message names the file and what was wrong, and `store` holds
/// a partial load: discard it.
result<loaded_snapshot> load_snapshot(const std::string& path, profile_store& store,
                                      file_env& env = posix_env());

/// Reads a whole snapshot, checking every record, without loading it.
status verify_snapshot(const std::string& path, file_env& env = posix_env());

}  // namespace persona
