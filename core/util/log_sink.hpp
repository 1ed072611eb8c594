// log_sink: where core and the actors send the lines an operator should
// read (recovery progress, cut WAL tails, snapshots). The program decides
// how to print them; core never writes to a stream itself.
#pragma once

#include <functional>
#include <string>

namespace persona {

/// Receives one line; `warning` marks what needs an operator's attention.
using log_sink = std::function<void(bool warning, const std::string& line)>;

}  // namespace persona
