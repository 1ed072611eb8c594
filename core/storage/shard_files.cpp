#include "core/storage/shard_files.hpp"

#include <algorithm>
#include <cstdio>

namespace persona {

namespace {

std::string numbered(const char* prefix, uint64_t n, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%020llu%s", prefix, static_cast<unsigned long long>(n), suffix);
  return buf;
}

}  // namespace

std::string shard_directory(const std::string& data_dir, uint32_t shard) {
  return data_dir + "/shard-" + std::to_string(shard);
}

std::string wal_segment_name(uint64_t first_seq) {
  return numbered("wal-", first_seq, ".log");
}

std::string snapshot_name(uint64_t wal_seq) {
  return numbered("snapshot-", wal_seq, ".snap");
}

std::optional<uint64_t> parse_numbered_name(const std::string& name, const std::string& prefix,
                                            const std::string& suffix) {
  if (name.size() != prefix.size() + 20 + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  uint64_t n = 0;
  for (size_t i = prefix.size(); i < prefix.size() + 20; ++i) {
    if (name[i] < '0' || name[i] > '9')
      return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return n;
}

std::vector<uint64_t> numbered_files(const std::vector<std::string>& names, const std::string& prefix,
                                     const std::string& suffix) {
  std::vector<uint64_t> out;
  for (auto& n : names)
    if (auto x = parse_numbered_name(n, prefix, suffix))
      out.push_back(*x);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> prune_shard_files(const std::string& dir, uint64_t newest_seq, bool drop_fallback,
                                           file_env& env) {
  std::vector<std::string> removed;
  auto names = env.list_directory(dir);
  if (!names.ok())
    return removed;
  auto snapshots = numbered_files(*names, "snapshot-", ".snap");
  std::vector<uint64_t> kept;
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    bool keep = *it == newest_seq || (*it < newest_seq && !drop_fallback && kept.size() == 1);
    if (*it > newest_seq)
      keep = true;  // newer than this one (not expected): never touched
    if (keep) {
      kept.push_back(*it);
    } else if (env.remove_file(dir + "/" + snapshot_name(*it)).ok()) {
      removed.push_back(snapshot_name(*it));
    }
  }
  if (kept.empty())
    return removed;
  uint64_t oldest_kept = *std::min_element(kept.begin(), kept.end());
  auto segments = numbered_files(*names, "wal-", ".log");
  // Segment i holds records [segments[i], segments[i + 1]); the last one is open-ended.
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i + 1] - 1 <= oldest_kept && env.remove_file(dir + "/" + wal_segment_name(segments[i])).ok())
      removed.push_back(wal_segment_name(segments[i]));
  }
  if (!removed.empty())
    env.sync_directory(dir);
  return removed;
}

}  // namespace persona
