// attributes: validation and application of set_attributes maps
// (name -> string, number, bool, or nil to delete). Pure functions.
#pragma once

#include "core/profile/profile.hpp"
#include "core/profile/profile_config.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

/// Checks an attributes map: names of 1 to 256 bytes, values str (at most
/// 4096 bytes), number, bool or nil, at most `cap` names.
status validate_attributes(const value& attrs, size_t cap);

/// Applies a validated map to `p`: sets each value, deletes on nil. Fails,
/// changing nothing, when the profile would exceed `cap` attributes.
/// REQUIRES: validate_attributes(attrs) passed.
status apply_attributes(profile& p, const value& attrs, symbol_table& symbols, size_t cap);

}  // namespace persona
