// data_dir_scan: a byte scan of every file under a directory for strings
// that must not be there (a deleted user's id, device, search text). Used by
// the erasure and data-at-rest tests; plain C++, any thread.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace persona::test {

/// "<file>: <needle>" for each needle found in each regular file under
/// `dir` (recursively); empty when none holds any. Files that vanish
/// during the scan (a compaction removing them) are skipped.
inline std::vector<std::string> files_holding(const std::string& dir,
                                              const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in)
      continue;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto& n : needles)
      if (bytes.find(n) != std::string::npos)
        found.push_back(it->path().string() + ": " + n);
  }
  return found;
}

}  // namespace persona::test
