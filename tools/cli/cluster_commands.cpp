#include "tools/cli/cluster_commands.hpp"

#include <cstdio>

#include <fstream>
#include "tools/cli/cli_output.hpp"

#include "tools/cli/elbow_plot.hpp"

namespace persona::cli {

namespace {

int usage(const std::string& what) {
  std::fprintf(stderr,
               "persona-cli: %s\nusage: persona-cli clusters train --k=N --features=PATH,PATH,... [--seed=N] "
               "[--max-iter=N]\n"
               "       persona-cli clusters show\n"
               "       persona-cli clusters elbow --k=2..10 --features=PATH,... [--seed=N] [--svg=FILE]\n",
               what.c_str());
  return 2;
}

value train_options(const std::map<std::string, std::string>& flags, uint64_t k) {
  value o{value::map{}};
  o.set("k", value{k});
  o.set("features", comma_list(flag_or(flags, "features")));
  if (!flag_or(flags, "seed").empty())
    o.set("seed", value{flag_number(flags, "seed", 0)});
  if (!flag_or(flags, "max-iter").empty())
    o.set("max_iter", value{flag_number(flags, "max-iter", 100)});
  return o;
}

/// The table a marketer reads: cluster, size, share, average of each feature.
void print_table(const value& r) {
  auto& features = r.find("features")->as_array();
  auto& sizes = r.find("sizes")->as_array();
  auto& centroids = r.find("centroids")->as_array();
  int64_t total = 0;
  for (auto& s : sizes)
    total += s.as_int();
  std::printf("%-8s %10s %7s", "cluster", "users", "share");
  for (auto& f : features)
    std::printf(" %18s", f.as_string().c_str());
  std::printf("\n");
  for (size_t c = 0; c < centroids.size(); ++c) {
    auto n = c < sizes.size() ? sizes[c].as_int() : 0;
    std::printf("%-8zu %10lld %6.1f%%", c, static_cast<long long>(n), total ? 100.0 * n / total : 0.0);
    for (auto& x : centroids[c].as_array())
      std::printf(" %18.2f", x.as_double());
    std::printf("\n");
  }
  std::printf("(averages of each feature per cluster; %lld users clustered, inertia %.1f, %lld iterations)\n",
              static_cast<long long>(total), r.find("inertia")->as_double(),
              static_cast<long long>(r.find("iterations")->as_int()));
}

}  // namespace

int run_clusters(net::client& c, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& flags) {
  if (args.size() != 1)
    return usage("clusters needs one subcommand: train, show or elbow");
  auto params = [](value x) { return value{value::array{std::move(x)}}; };
  if (args[0] == "show") {
    auto r = c.call_sync("get_clusters", value{value::array{}});
    if (!r.ok())
      return node_error(r.error());
    print_table(*r);
    return 0;
  }
  if (flag_or(flags, "features").empty())
    return usage("--features=PATH,PATH,... is required, e.g. --features=rfm.frequency,rfm.monetary");
  if (args[0] == "train") {
    auto k = flag_or(flags, "k").empty() ? 8 : flag_number(flags, "k", 8);
    auto r = c.call_sync("train_clusters", params(train_options(flags, k)), std::chrono::minutes(30));
    if (!r.ok())
      return node_error(r.error());
    print_table(*r);
    return 0;
  }
  if (args[0] == "elbow") {
    auto range = flag_or(flags, "k").empty() ? std::string("2..10") : flag_or(flags, "k");
    auto dots = range.find("..");
    if (dots == std::string::npos)
      return usage("--k for elbow is a range such as 2..10");
    int from = std::atoi(range.substr(0, dots).c_str()), to = std::atoi(range.substr(dots + 2).c_str());
    if (from < 1 || to < from || to > 256)
      return usage("--k for elbow is a range such as 2..10, from 1 to 256");
    std::vector<std::pair<int, double>> points;
    std::printf("%4s %18s\n", "k", "inertia");
    for (int k = from; k <= to; ++k) {
      auto r = c.call_sync("train_clusters", params(train_options(flags, static_cast<uint64_t>(k))),
                           std::chrono::minutes(30));
      if (!r.ok())
        return node_error(r.error());
      points.emplace_back(k, r->find("inertia")->as_double());
      std::printf("%4d %18.1f\n", k, points.back().second);
      std::fflush(stdout);
    }
    auto svg_path = flag_or(flags, "svg");
    if (!svg_path.empty()) {
      std::ofstream out(svg_path);
      out << elbow_svg(points, "Elbow: inertia by k (" + flag_or(flags, "features") + ")");
      if (!out) {
        std::fprintf(stderr, "error: could not write %s\n", svg_path.c_str());
        return 1;
      }
      std::printf("plot written to %s\n", svg_path.c_str());
    }
    std::printf("(the node now holds the model for k=%d; run clusters train with the k you choose)\n", to);
    return 0;
  }
  return usage("unknown clusters subcommand '" + args[0] + "'");
}

}  // namespace persona::cli
