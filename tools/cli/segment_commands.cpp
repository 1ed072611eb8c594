#include "tools/cli/segment_commands.hpp"

#include <condition_variable>
#include <cstdio>

#include <mutex>
#include "tools/cli/cli_output.hpp"

#include "tools/cli/json_value.hpp"

namespace persona::cli {

namespace {

int usage(const std::string& what) {
  std::fprintf(stderr,
               "persona-cli: %s\nusage: persona-cli segments list | define NAME WHERE-JSON | drop NAME |\n"
               "                        members NAME [--limit=100] [--all]\n"
               "       persona-cli subscribe NAME... [--count=N]\n",
               what.c_str());
  return 2;
}

value params(std::vector<value> xs) {
  return value{value::array(xs.begin(), xs.end())};
}

}  // namespace

int run_segments(net::client& c, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& flags) {
  if (args.empty())
    return usage("segments needs a subcommand");
  auto& sub = args[0];
  if (sub == "list" && args.size() == 1) {
    auto r = c.call_sync("list_segments", params({}));
    if (!r.ok())
      return node_error(r.error());
    std::printf("%-28s %12s  %s\n", "segment", "size", "where");
    for (auto& s : r->as_array())
      std::printf("%-28s %12lld  %s\n", s.find("name")->as_string().c_str(),
                  static_cast<long long>(s.find("size")->as_int()), s.find("where")->to_json().c_str());
    return 0;
  }
  if (sub == "define" && args.size() == 3) {
    auto where = parse_json(args[2], "WHERE-JSON");
    if (!where.ok())
      return node_error(where.error());
    auto r = c.call_sync("define_segment", params({value{args[1]}, *where}), std::chrono::minutes(10));
    if (!r.ok())
      return node_error(r.error());
    std::printf("segment %s: %lld members\n", args[1].c_str(),
                static_cast<long long>(r->find("size")->as_int()));
    return 0;
  }
  if (sub == "drop" && args.size() == 2) {
    auto r = c.call_sync("drop_segment", params({value{args[1]}}));
    if (!r.ok())
      return node_error(r.error());
    std::printf("%s\n", r->find("dropped")->as_bool() ? "dropped" : "no such segment");
    return 0;
  }
  if (sub == "members" && args.size() == 2) {
    uint64_t limit = flag_number(flags, "limit", 100);
    bool all = flags.count("all") > 0;
    value cursor;
    do {
      value opts{value::map{}};
      opts.set("limit", value{limit});
      if (!cursor.is_nil())
        opts.set("cursor", cursor);
      auto r = c.call_sync("segment_members", params({value{args[1]}, opts}));
      if (!r.ok())
        return node_error(r.error());
      for (auto& u : r->find("users")->as_array())
        std::printf("%s\n", u.as_string().c_str());
      cursor = *r->find("cursor");
    } while (all && !cursor.is_nil());
    if (!all && !cursor.is_nil())
      std::fprintf(stderr, "(more: --all pages through every member)\n");
    return 0;
  }
  return usage("unknown segments subcommand or wrong arguments");
}

int run_subscribe(net::client& c, const std::vector<std::string>& names,
                  const std::map<std::string, std::string>& flags) {
  if (names.empty())
    return usage("subscribe needs at least one segment name");
  uint64_t count = flag_number(flags, "count", 0);
  std::mutex m;
  std::condition_variable cv;
  uint64_t seen = 0;
  c.on_notification([&](const std::string& method, value& p) {
    std::lock_guard<std::mutex> lock(m);
    if (method == "segment_event") {
      for (auto& e : p.as_array()[0].as_array()) {
        std::printf("%s\n", e.to_json().c_str());
        ++seen;
      }
    } else if (method == "segment_events_dropped") {
      std::fprintf(stderr, "persona-cli: %s\n", p.as_array()[0].to_json().c_str());
    }
    std::fflush(stdout);
    cv.notify_all();
  });
  value list{value::array{}};
  for (auto& n : names)
    list.as_array().emplace_back(n);
  auto r = c.call_sync("subscribe", params({list}));
  if (!r.ok())
    return node_error(r.error());
  std::fprintf(stderr, "subscribed to %s; waiting for events (Ctrl-C stops)\n",
               r->find("subscribed")->to_json().c_str());
  // Until enough events came, or the connection ends (a ping fails).
  std::unique_lock<std::mutex> lock(m);
  while (count == 0 || seen < count) {
    cv.wait_for(lock, std::chrono::seconds(5));
    if (count != 0 && seen >= count)
      break;
    lock.unlock();
    auto alive = c.call_sync("ping", params({}), std::chrono::seconds(10));
    lock.lock();
    if (!alive.ok())
      return node_error(alive.error());
  }
  return 0;
}

}  // namespace persona::cli
