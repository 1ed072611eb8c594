// segment_commands: persona-cli's `segments` and `subscribe` commands, the
// way a marketer uses them: list segments with their sizes, define and drop
// them, page through members, and watch users enter and leave.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/client.hpp"

namespace persona::cli {

/// `segments list | define NAME WHERE-JSON | drop NAME | members NAME
/// [--limit=N] [--all]`. `args` starts after "segments". Returns the exit code.
int run_segments(net::client& c, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& flags);

/// `subscribe NAME... [--count=N]`: prints each segment event as a JSON
/// line as it comes, until N events or the connection ends.
int run_subscribe(net::client& c, const std::vector<std::string>& names,
                  const std::map<std::string, std::string>& flags);

}  // namespace persona::cli
