// model_file: the item model's learnt state on disk, "<data dir>/item-model.dat",
// so that a restarted node goes on from what its model had learnt instead
// of rebuilding it from each profile's recent items. The file is framed
// like the WAL and snapshots (record_file.hpp: each record CRC-checked): a
// header record (format, and per shard the last WAL record whose events the
// state holds), one record per section (model_section.hpp; kinds a reader
// does not know are skipped), and an end record counting them, so a file
// cut short never reads as whole. Written to "item-model.dat.tmp", synced,
// renamed into place and the directory synced: a crash leaves the old file
// or the new one. Layout: docs/formats.md, "Item model file". Plain
// functions through a file_env; callers keep one writer at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/model_section.hpp"
#include "core/storage/file_env.hpp"
#include "core/util/status.hpp"

namespace persona {

/// The format written; a file of another format is not read.
constexpr uint32_t model_file_format = 1;

struct model_file {
  /// Per shard: the last WAL sequence number whose events the state holds
  /// (0: none). Recovery feeds the model the records after it.
  std::vector<uint64_t> covered;
  std::vector<model_section> sections;
};

/// "<data_dir>/item-model.dat".
std::string model_file_path(const std::string& data_dir);

/// Writes `file` atomically in place of the previous one.
status write_model_file(const std::string& data_dir, const model_file& file, file_env& env = posix_env());

/// Reads the file: not_found when there is none, bad_request (naming the
/// file and the fault) when it is cut short, fails its checks or has
/// another format.
result<model_file> read_model_file(const std::string& data_dir, file_env& env = posix_env());

}  // namespace persona
