// cluster_commands: persona-cli's `clusters` commands: train k-means and
// print the table the way marketers read it (per cluster its size and the
// average of each feature), show the current model, and the elbow: inertia
// for a range of k, as a table and an SVG plot.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/client.hpp"

namespace persona::cli {

/// `clusters train --k=N --features=a,b [--seed=N] [--max-iter=N] |
/// clusters show | clusters elbow --k=2..10 --features=a,b [--svg=FILE]`.
/// `args` starts after "clusters". Returns the exit code.
int run_clusters(net::client& c, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& flags);

}  // namespace persona::cli
