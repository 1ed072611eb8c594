// json_value: JSON text <-> persona::value for the command-line client
// (nlohmann-json from Debian does the parsing). Any thread.
#pragma once

#include <string>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona::cli {

/// Parses JSON text; the error names `what` and the parser's position.
result<value> parse_json(const std::string& text, const std::string& what);

}  // namespace persona::cli
