// profile_view: renders a profile's compact state as the profile map of
// docs/protocol.md ("Profiles") at a given "now", optionally limited to some
// top-level keys. Pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/profile/profile.hpp"
#include "core/query/field_path.hpp"
#include "core/util/value.hpp"

namespace persona {

/// The top-level keys of a profile map, in their documented order.
const std::vector<std::string>& profile_keys();

/// True if `key` is a top-level key of the profile map.
bool is_profile_key(const std::string& key);

/// Renders `p` (of user `user`) at ctx.now_ms. With a non-empty `fields`,
/// only those top-level keys are rendered. REQUIRES: each field is_profile_key.
value render_profile(const profile& p, std::string_view user, const read_context& ctx,
                     const std::vector<std::string>& fields);

}  // namespace persona
