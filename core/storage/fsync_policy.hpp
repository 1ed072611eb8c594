// fsync_policy: when a shard's write-ahead log is forced to the device
// (wal_writer.hpp has what each policy guarantees).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace persona {

enum class fsync_policy : uint8_t { always, batch, none };

const char* to_string(fsync_policy p);
std::optional<fsync_policy> parse_fsync_policy(const std::string& name);

}  // namespace persona
