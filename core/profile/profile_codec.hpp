// profile_codec: a portable binary image of one profile, with its symbols
// spelled out as strings, so a profile can move between shards (whose symbol
// tables differ), between nodes, and into snapshots. Layout in
// docs/formats.md ("profile image"). Pure functions.
#pragma once

#include <string>

#include "core/profile/profile.hpp"
#include "core/util/symbol_table.hpp"

namespace persona {

/// Version of the image layout; bumped on any change. Version 2 appends
/// the latest session's summary, version 3 its majority vote and count of
/// recent sessions, version 4 the category its search named, version 5
/// the consents withheld; images of versions 1 (an empty summary) to 4
/// still decode (all consents granted).
constexpr uint8_t profile_image_version = 5;

/// Encodes `p`, resolving its symbols through `symbols`.
std::string encode_profile(const profile& p, const symbol_table& symbols);

/// Decodes an image into `out`, interning its strings into `symbols`.
/// False on malformed or truncated input (then `out` is unspecified).
bool decode_profile(const std::string& bytes, symbol_table& symbols, profile& out);

}  // namespace persona
