#include "tools/cli/recommend_commands.hpp"

#include <cstdio>

#include "tools/cli/cli_output.hpp"

namespace persona::cli {

namespace {

int usage(const std::string& what) {
  std::fprintf(stderr,
               "persona-cli: %s\nusage: persona-cli recommend USER [--k=10] [--strategy=auto|popular|item_cf|"
               "content|mf] [--category=NAME] [--include-seen] [--now=MS]\n"
               "       persona-cli similar-items ITEM [--k=10]\n"
               "       persona-cli similar-users USER [--k=10]\n"
               "       persona-cli predict USER [--now=MS]\n",
               what.c_str());
  return 2;
}

/// Prints `list` (maps with `id_key`, "score" and maybe "reason") as a table.
void print_ranked(const value& list, const char* id_key) {
  size_t width = 4;
  for (auto& e : list.as_array())
    width = std::max(width, e.find(id_key)->as_string().size());
  size_t rank = 0;
  for (auto& e : list.as_array()) {
    auto* reason = e.find("reason");
    std::printf("%3zu  %-*s  %8.4f%s%s\n", ++rank, static_cast<int>(width),
                e.find(id_key)->as_string().c_str(), e.find("score")->as_double(), reason ? "  " : "",
                reason ? reason->as_string().c_str() : "");
  }
  if (rank == 0)
    std::printf("(none)\n");
}

}  // namespace

int run_recommend(net::client& c, const std::string& cmd, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& flags) {
  if (args.size() != 1)
    return usage(cmd + " takes one " + (cmd == "similar-items" ? "ITEM" : "USER"));
  value k{flag_number(flags, "k", 10)};
  value id{args[0]};
  if (cmd == "predict") {
    value options{value::map{}};
    if (!flag_or(flags, "now").empty())
      options.set("now", value{static_cast<int64_t>(flag_number(flags, "now", 0))});
    auto r = c.call_sync("predict", value{value::array{id, options}});
    if (!r.ok())
      return node_error(r.error());
    std::printf("%s\n", r->to_pretty_json().c_str());
    return 0;
  }
  if (cmd == "similar-items" || cmd == "similar-users") {
    bool items = cmd == "similar-items";
    auto r = c.call_sync(items ? "similar_items" : "similar_users", value{value::array{id, k}});
    if (!r.ok())
      return node_error(r.error());
    print_ranked(*r->find(items ? "items" : "users"), items ? "item" : "user");
    return 0;
  }
  value options{value::map{}};
  if (!flag_or(flags, "strategy").empty())
    options.set("strategy", value{flag_or(flags, "strategy")});
  if (!flag_or(flags, "category").empty())
    options.set("category", value{flag_or(flags, "category")});
  if (flags.count("include-seen"))
    options.set("exclude_seen", value{false});
  if (!flag_or(flags, "now").empty())
    options.set("now", value{static_cast<int64_t>(flag_number(flags, "now", 0))});
  auto r = c.call_sync("recommend", value{value::array{id, k, options}});
  if (!r.ok())
    return node_error(r.error());
  std::printf("strategy: %s\n", r->find("strategy")->as_string().c_str());
  print_ranked(*r->find("items"), "item");
  return 0;
}

}  // namespace persona::cli
