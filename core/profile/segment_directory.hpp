// segment_directory: the names of the live segments a shard (or a node)
// knows, by id. Ids are small and stable while a segment lives; a dropped
// segment leaves an empty name, and its id is reused by the next segment
// defined. Conditions resolve {"segment": name} through it, and profiles
// store the ids of the segments they are in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace persona {

/// A segment's id within one directory.
using segment_id = uint16_t;

struct segment_directory {
  /// Indexed by id; empty for a free id.
  std::vector<std::string> names;

  std::optional<segment_id> find(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (!names[i].empty() && names[i] == name)
        return static_cast<segment_id>(i);
    return std::nullopt;
  }
};

}  // namespace persona
