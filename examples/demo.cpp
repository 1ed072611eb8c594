// persona-demo: feeds a running personad a simulated shop over
// MessagePack-RPC, then prints one profile, a segment with its size and
// average spend, and the node's figures. A first look at what Persona keeps
// per user; `--port`, `--users` and `--events` size it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/util/command_line.hpp"
#include "examples/workload.hpp"
#include "net/client.hpp"
#include "net/msgpack_value.hpp"

using namespace persona;

namespace {

void check(const result<value>& r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "persona-demo: %s failed: %s\n", what, r.error().to_string().c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--help")) {
    std::printf("usage: persona-demo [--port=7400] [--users=20000] [--events=500000]\n");
    return 0;
  }
  if (auto wrong = unknown_flag(argc, argv, "port users events", "help"); !wrong.empty()) {
    std::fprintf(stderr, "persona-demo: %s\n", wrong.c_str());
    return 2;
  }
  workload_options wo;
  wo.users = flag_value(argc, argv, "users", 20000);
  wo.items = 5000;
  wo.step_ms = 200;
  uint64_t total = flag_value(argc, argv, "events", 500000);
  auto port = static_cast<uint16_t>(flag_value(argc, argv, "port", 7400));
  net::client node;
  if (auto st = node.connect("127.0.0.1", port); !st.ok()) {
    std::fprintf(stderr, "persona-demo: %s\n", st.message().c_str());
    return 1;
  }
  auto call = [&](const char* method, std::vector<value> params) {
    return node.call_sync(method, value{value::array(params.begin(), params.end())});
  };
  workload shop(wo);
  std::printf("Persona demo: feeding the node on port %u: %llu users, %llu items, %llu events\n", port,
              static_cast<unsigned long long>(wo.users), static_cast<unsigned long long>(wo.items),
              static_cast<unsigned long long>(total));
  check(call("upsert_items", {shop.catalog()}), "upsert_items");

  auto start = std::chrono::steady_clock::now();
  uint64_t accepted = 0;
  for (uint64_t sent = 0; sent < total;) {
    value::array batch;
    for (int i = 0; i < 500 && sent < total; ++i, ++sent) {
      batch.push_back(workload::to_value(shop.next()));
    }
    auto r = call("ingest", {value{std::move(batch)}});
    check(r, "ingest");
    accepted += r->find("accepted")->as_int();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ingested %llu events in %.2f s: %.0f events/s (one batch of 500 at a time, one connection)\n",
              static_cast<unsigned long long>(accepted), secs, accepted / secs);

  auto profile = call("get_profile", {value{workload::user_id(7)}});
  check(profile, "get_profile");
  std::printf("\nprofile of %s:\n%s\n", workload::user_id(7).c_str(), profile->to_pretty_json().c_str());

  value where{value::map{}};
  value::array both;
  value high{value::map{}};
  high.set("field", value{"rfm.monetary"});
  high.set("op", value{">="});
  high.set("value", value{100.0});
  both.push_back(std::move(high));
  value tag{value::map{}};
  tag.set("tag", value{"cart_abandoner"});
  both.push_back(std::move(tag));
  where.set("and", value{std::move(both)});
  value options{value::map{}};
  options.set("limit", value{5});
  value agg{value::map{}};
  agg.set("field", value{"rfm.monetary"});
  agg.set("fn", value{"avg"});
  options.set("aggregate", value{value::array{agg}});
  auto q = call("query", {where, options});
  check(q, "query");
  std::printf("\nsegment %s:\n%s\n", where.to_json().c_str(), q->to_pretty_json().c_str());

  auto s = call("stats", {});
  check(s, "stats");
  std::printf("\nstats:\n%s\n", s->to_pretty_json().c_str());
  return 0;
}
