// cli_output: what every persona-cli command shares: printing a node's
// error the one way (`error: CODE: MESSAGE`, exit 1) and reading a
// comma-separated flag into a list.
#pragma once

#include <string>

#include "core/status.hpp"
#include "core/value.hpp"

namespace persona::cli {

/// Prints `error: CODE: MESSAGE` to stderr; returns exit code 1.
int node_error(const status& st);

/// "a,b,,c" -> ["a", "b", "c"].
value comma_list(const std::string& csv);

}  // namespace persona::cli
