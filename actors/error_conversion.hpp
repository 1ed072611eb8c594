// error_conversion: core status <-> caf::error. A core error travels as a
// caf::error of category "persona" whose code is the error_code and whose
// context holds the message; CAF's own errors (timeouts, dead actors) are
// turned into protocol codes with a message naming the actor that failed.
#pragma once

#include <caf/error.hpp>
#include <string>

#include "core/util/status.hpp"

namespace persona {

/// A caf::error carrying `st`. REQUIRES: !st.ok().
caf::error to_caf_error(const status& st);

/// The status of any caf::error; `who` names the actor that was asked
/// (e.g. "shard 3") and `timeout_ms` the deadline, for messages.
status from_caf_error(const caf::error& err, const std::string& who, long long timeout_ms);

}  // namespace persona
