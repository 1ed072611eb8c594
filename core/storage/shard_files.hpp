// shard_files: the names of a shard's files in its data directory.
//
//   <data dir>/shard-<i>/wal-<first seq, 20 digits>.log   WAL segments
//   <data dir>/shard-<i>/snapshot-<wal seq, 20 digits>.snap
//   <data dir>/shard-<i>/snapshot-<wal seq>.snap.tmp       being written
//
// Zero-padded numbers make name order sequence order. Pure functions, but
// for the pruning of old files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/file_env.hpp"

namespace persona {

std::string shard_directory(const std::string& data_dir, uint32_t shard);
std::string wal_segment_name(uint64_t first_seq);
std::string snapshot_name(uint64_t wal_seq);

/// The number in a file name of the given prefix and suffix, or nullopt.
std::optional<uint64_t> parse_numbered_name(const std::string& name, const std::string& prefix,
                                            const std::string& suffix);

/// The numbers of the files in `names` matching prefix/suffix, ascending.
std::vector<uint64_t> numbered_files(const std::vector<std::string>& names, const std::string& prefix,
                                     const std::string& suffix);

/// After the snapshot of `newest_seq` is durable: removes older snapshots
/// but the one before it (the fallback) unless `drop_fallback`, and every
/// WAL segment all of whose records the oldest kept snapshot includes.
/// Returns the names removed.
std::vector<std::string> prune_shard_files(const std::string& dir, uint64_t newest_seq, bool drop_fallback,
                                           file_env& env = posix_env());

}  // namespace persona
