// cli_output: what every persona-cli command shares: printing a node's
// error the one way (`error: CODE: MESSAGE`, exit 1) and reading a
// comma-separated flag into a list.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona::cli {

/// Prints `error: CODE: MESSAGE` to stderr; returns exit code 1.
int node_error(const status& st);

/// "a,b,,c" -> ["a", "b", "c"].
value comma_list(const std::string& csv);

/// The value of flag `name`, or `fallback` when it was not given.
std::string flag_or(const std::map<std::string, std::string>& flags, const char* name,
                    const std::string& fallback = "");
/// The same as a whole number.
uint64_t flag_number(const std::map<std::string, std::string>& flags, const char* name, uint64_t fallback);

}  // namespace persona::cli
