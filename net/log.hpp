// log: one line per event of note, to stderr, with a UTC timestamp and a
// level. Thread-safe (one write per line). The single logging function of
// the node.
#pragma once

#include <string>

namespace persona::net {

enum class log_level { info, warning, error };

void log_line(log_level level, const std::string& message);

}  // namespace persona::net
