// The item model of a personad process: a bulk load far past its learning
// budget ends with every signal learnt, and after kill -9 and a restart
// the node learnt exactly what it had (from its saved state and the WAL
// after it, or from the whole WAL) and recommends as it did.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "net/client.hpp"
#include "personad_process.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

value args(std::vector<value> xs) {
  return value{value::array(xs.begin(), xs.end())};
}

/// `users` shoppers viewing `per_user` items each, drawn from 300, in
/// time order: every view after a user's first carries context.
std::vector<value> shop_views(int users, int per_user) {
  std::vector<value> out;
  for (int step = 0; step < per_user; ++step)
    for (int u = 0; u < users; ++u)
      out.push_back(map_of({{"user", value{"u" + std::to_string(u)}},
                            {"type", value{"view"}},
                            {"item", value{"i" + std::to_string((u * 7 + step * step * 13) % 300)}},
                            {"ts", value{t0 + (step * users + u) * 1000}}}));
  return out;
}

void ingest_all(net::client& c, const std::vector<value>& events) {
  for (size_t from = 0; from < events.size(); from += 2000) {
    auto to = std::min(events.size(), from + 2000);
    auto r = c.call_sync("ingest", args({value{value::array(events.begin() + from, events.begin() + to)}}));
    REQUIRE(r.ok());
    REQUIRE(r->find("rejected")->as_array().empty());
  }
}

/// stats.item_model once it says caught up, three times in a row (a
/// shard's last few ms of signals are not counted as waiting yet).
value caught_up_model(net::client& c) {
  int in_a_row = 0;
  for (int i = 0; i < 1200; ++i) {
    auto stats = c.call_sync("stats", args({}));
    if (stats.ok()) {
      auto model = *stats->find("item_model");
      in_a_row = model.find("caught_up")->as_bool() ? in_a_row + 1 : 0;
      if (in_a_row == 3)
        return model;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the item model did not catch up within a minute");
  return {};
}

std::vector<std::string> recommendations(net::client& c, int users) {
  std::vector<std::string> out;
  for (int u = 0; u < users; ++u) {
    auto r = c.call_sync("recommend", args({value{"u" + std::to_string(u)}, value{10}}));
    REQUIRE(r.ok());
    out.push_back(encode_value(*r->find("items")));
  }
  return out;
}

}  // namespace

TEST_CASE("a bulk load far past the learning budget ends with a model that learnt every signal") {
  temp_directory data;
  // 100 signals a second: the load takes well under a second, learning it
  // within the budget would take minutes.
  personad_process node(data.path(), {"--model-learn-per-s=100", "--model-quiet-ms=200"});
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port).ok());
  auto events = shop_views(400, 25);
  ingest_all(c, events);
  auto model = caught_up_model(c);
  CHECK(model.find("signals")->as_int() == static_cast<int64_t>(events.size()));
  CHECK(model.find("learnt")->as_int() == static_cast<int64_t>(events.size()));
  CHECK(model.find("waiting_signals")->as_int() == 0);
  CHECK(model.find("dropped_signals")->as_int() == 0);
}

TEST_CASE("after kill -9 and a restart the item model learnt exactly what it had") {
  temp_directory data;
  bool saved = GENERATE(true, false);
  std::vector<std::string> before;
  int64_t signals = 0;
  {
    // With a save every second, or none before the crash (the default
    // minute): then the restarted node learns the whole WAL.
    personad_process node(data.path(), {saved ? "--model-save-ms=1000" : "--model-save-ms=600000"});
    net::client c;
    REQUIRE(c.connect("127.0.0.1", node.port).ok());
    ingest_all(c, shop_views(300, 20));
    auto model = caught_up_model(c);
    signals = model.find("signals")->as_int();
    CHECK(model.find("learnt")->as_int() == signals);
    before = recommendations(c, 100);
    // The save of the final state (the state does not change after it
    // caught up, so the next save holds it).
    auto final_save = "item model: state saved: " + std::to_string(signals) + " signals learnt, 0 waiting";
    if (saved)
      REQUIRE(node.read_log_until([&] { return node.log.find(final_save) != std::string::npos; },
                                  std::chrono::seconds(30)));
    node.crash();
  }
  personad_process again(data.path());
  net::client c;
  REQUIRE(c.connect("127.0.0.1", again.port).ok());
  auto model = caught_up_model(c);
  CHECK(model.find("signals")->as_int() == signals);
  CHECK(model.find("learnt")->as_int() == signals);
  auto log = again.rest_of_log();
  CHECK((log.find("item model: state loaded") != std::string::npos) == saved);
  if (saved)
    CHECK(recommendations(c, 100) == before);
}
