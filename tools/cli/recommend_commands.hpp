// recommend_commands: persona-cli's recommendation and prediction
// commands: `recommend`, `similar-items` and `similar-users` print a ranked
// table (rank, id, score and, for recommend, the reason); `predict`
// prints the prediction as JSON.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/client.hpp"

namespace persona::cli {

/// `cmd` is recommend, similar-items, similar-users or predict; `args` the
/// positional arguments after it. Returns the exit code.
int run_recommend(net::client& c, const std::string& cmd, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& flags);

}  // namespace persona::cli
