// recommend, similar_items, similar_users and predict through the engine:
// a user's own events change their next recommendation at once, global
// signals follow within a publish interval, unknown users get a cold
// start, bad input is refused with what to do, and predictions fill in.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "actors/engine.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Shoppers s0-s9 view A then B (shoes); s10-s29 view C then D (bags);
/// s30-s34 view all four; E (toys) is viewed alone, often.
void shop(engine& eng) {
  std::vector<event> events;
  for (int u = 0; u < 35; ++u) {
    auto user = "s" + std::to_string(u);
    int64_t t = t0 + u * 1000;
    if (u < 10 || u >= 30) {
      events.push_back(with_category(make_event(user, event_type::view, t, "A"), {"shoes"}));
      events.push_back(with_category(make_event(user, event_type::view, t + 10, "B"), {"shoes"}));
    }
    if (u >= 10) {
      events.push_back(with_category(make_event(user, event_type::view, t + 20, "C"), {"bags"}));
      events.push_back(with_category(make_event(user, event_type::view, t + 30, "D"), {"bags"}));
    }
  }
  for (int i = 0; i < 40; ++i)
    events.push_back(
        with_category(make_event("e" + std::to_string(i), event_type::view, t0 + 50000 + i, "E"), {"toys"}));
  REQUIRE(eng.ingest_sync(events).ok());
  REQUIRE(eng.refresh_item_model_sync().ok());
}

std::vector<std::string> items_of(const value& answer) {
  std::vector<std::string> out;
  for (auto& i : answer.find("items")->as_array())
    out.push_back(i.find("item")->as_string());
  return out;
}

value options(const std::string& strategy) {
  return map_of({{"strategy", value{strategy}}});
}

}  // namespace

TEST_CASE("a user's own event changes their next recommendation as soon as ingest is answered") {
  engine eng(test_engine());
  shop(eng);
  REQUIRE(eng.ingest_sync({make_event("x", event_type::view, t0 + days(1), "A")}).ok());
  auto first = eng.recommend_sync("x", 1, options("item_cf"));
  REQUIRE(first.ok());
  CHECK(items_of(*first) == std::vector<std::string>{"B"});
  CHECK(first->find("items")->as_array()[0].find("reason")->as_string() == "often chosen with A");
  // No publish in between: the item model already knows C's neighbours.
  REQUIRE(eng.ingest_sync({make_event("x", event_type::view, t0 + days(1) + 1, "C")}).ok());
  auto second = eng.recommend_sync("x", 1, options("item_cf"));
  REQUIRE(second.ok());
  CHECK(items_of(*second) == std::vector<std::string>{"D"});
}

TEST_CASE("global signals reach the item model on its own publishing, without being asked") {
  auto o = test_engine();
  o.model_publish_interval = std::chrono::milliseconds(50);
  engine eng(o);
  REQUIRE(eng.ingest_sync({make_event("a", event_type::view, t0, "fresh")}).ok());
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    auto r = eng.similar_items_sync("fresh", 5);
    seen = r.ok();
    if (!seen)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CHECK(seen);
  auto stats = eng.stats_sync();
  REQUIRE(stats.ok());
  auto* m = stats->find("item_model");
  REQUIRE(m);
  CHECK(m->find("signals")->as_double() >= 1);
  CHECK(m->find("version")->as_double() >= 1);
  CHECK(m->find("lag_ms")->as_double() >= 0);
}

TEST_CASE("stats count the signals waiting for the item model against their bound, none once it caught up") {
  auto o = test_engine();
  o.model_max_waiting_signals = 5000;
  engine eng(o);
  shop(eng);
  auto stats = eng.stats_sync();
  REQUIRE(stats.ok());
  auto* m = stats->find("item_model");
  REQUIRE(m);
  CHECK(m->find("max_waiting_signals")->as_int() == 5000);
  CHECK(m->find("waiting_signals")->as_int() == 0);
  CHECK(m->find("dropped_signals")->as_int() == 0);
  CHECK(m->find("signals")->as_int() == 120);  // every view of shop()
}

TEST_CASE("an unknown user gets a cold start, exclude_seen is on unless turned off") {
  engine eng(test_engine());
  shop(eng);
  auto cold = eng.recommend_sync("nobody", 2);
  REQUIRE(cold.ok());
  CHECK(cold->find("strategy")->as_string() == "popular");
  CHECK(items_of(*cold) == std::vector<std::string>{"E", "C"});
  auto seen = eng.recommend_sync("s0", 10, options("popular"));
  REQUIRE(seen.ok());
  for (auto& item : items_of(*seen))
    CHECK((item != "A" && item != "B"));
  auto all =
      eng.recommend_sync("s0", 2, map_of({{"strategy", value{"popular"}}, {"exclude_seen", value{false}}}));
  REQUIRE(all.ok());
  CHECK(items_of(*all) == std::vector<std::string>{"E", "C"});
  auto shoes = eng.recommend_sync("nobody", 10, map_of({{"category", value{"bags"}}}));
  REQUIRE(shoes.ok());
  CHECK(items_of(*shoes) == std::vector<std::string>{"C", "D"});
  auto none = eng.recommend_sync("nobody", 10, map_of({{"category", value{"no such"}}}));
  REQUIRE(none.ok());
  CHECK(items_of(*none).empty());
}

TEST_CASE("recommend refuses bad input, saying what is allowed") {
  engine eng(test_engine());
  shop(eng);
  auto bad_strategy = eng.recommend_sync("s0", 5, options("best"));
  REQUIRE_FALSE(bad_strategy.ok());
  CHECK(bad_strategy.error().code() == error_code::bad_request);
  CHECK(bad_strategy.error().message().find("auto, popular, item_cf, content, mf") != std::string::npos);
  auto bad_key = eng.recommend_sync("s0", 5, map_of({{"exclude_seem", value{true}}}));
  REQUIRE_FALSE(bad_key.ok());
  CHECK(bad_key.error().message().find("no option 'exclude_seem'") != std::string::npos);
  auto bad_k = eng.recommend_sync("s0", 0);
  REQUIRE_FALSE(bad_k.ok());
  CHECK(bad_k.error().message().find("k must be an integer from 1 to 1000") != std::string::npos);
  auto bad_seen = eng.recommend_sync("s0", 5, map_of({{"exclude_seen", value{"yes"}}}));
  REQUIRE_FALSE(bad_seen.ok());
}

TEST_CASE("similar_items is symmetric and knows only items events mentioned") {
  engine eng(test_engine());
  shop(eng);
  auto a = eng.similar_items_sync("A", 5);
  auto b = eng.similar_items_sync("B", 5);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(items_of(*a).at(0) == "B");
  REQUIRE(items_of(*b).at(0) == "A");
  CHECK(a->find("items")->as_array()[0].find("score")->as_double() ==
        Approx(b->find("items")->as_array()[0].find("score")->as_double()));
  auto unknown = eng.similar_items_sync("Z", 5);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == error_code::not_found);
}

TEST_CASE("similar_users ranks users by what they share, from every shard") {
  engine eng(test_engine(3));
  shop(eng);
  auto r = eng.similar_users_sync("s0", 50);
  REQUIRE(r.ok());
  auto& users = r->find("users")->as_array();
  // s1-s9 are exactly like s0; s30-s34 share half; s10-s29 nothing.
  REQUIRE(users.size() == 14);
  for (size_t i = 0; i < 9; ++i) {
    auto id = users[i].find("user")->as_string();
    CHECK(std::stoi(id.substr(1)) < 10);
    CHECK(id != "s0");
    CHECK(users[i].find("score")->as_double() == Approx(1.0));
  }
  for (size_t i = 9; i < 14; ++i) {
    CHECK(std::stoi(users[i].find("user")->as_string().substr(1)) >= 30);
    CHECK(users[i].find("score")->as_double() < 0.9);
  }
  auto unknown = eng.similar_users_sync("nobody", 5);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == error_code::not_found);
}

TEST_CASE("predict: churn risk and next purchase from the user's cycle, propensity once trained") {
  auto o = test_engine();
  o.propensity.sample_rate = 1;
  engine eng(o);
  std::vector<event> events;
  for (int d = 0; d < 30; d += 10)
    events.push_back(with_price(make_event("buyer", event_type::purchase, t0 + days(d), "milk"), 2));
  events.push_back(make_event("other", event_type::view, t0 + days(40), "milk"));
  REQUIRE(eng.ingest_sync(events).ok());
  REQUIRE(eng.refresh_item_model_sync().ok());
  auto p = eng.predict_sync("buyer", map_of({{"now", value{t0 + days(24)}}}));
  REQUIRE(p.ok());
  CHECK(p->find("next_purchase_days")->as_double() == Approx(6));
  CHECK(p->find("churn_risk")->as_double() < 0.1);
  auto* propensity = p->find("purchase_propensity");
  REQUIRE(propensity);
  REQUIRE(propensity->is_number());
  CHECK(propensity->as_double() >= 0);
  CHECK(propensity->as_double() <= 1);
  auto late = eng.predict_sync("buyer", map_of({{"now", value{t0 + days(60)}}}));
  REQUIRE(late.ok());
  CHECK(late->find("churn_risk")->as_double() > 0.5);
  auto profile = eng.get_profile_sync("buyer", map_of({{"fields", value{value::array{value{"predict"}}}}}));
  REQUIRE(profile.ok());
  CHECK(profile->find("predict")->find("churn_risk")->is_number());
  CHECK(profile->find("predict")->find("purchase_propensity")->is_number());
  auto unknown = eng.predict_sync("nobody");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == error_code::not_found);
  auto bad = eng.predict_sync("buyer", map_of({{"when", value{1}}}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == error_code::bad_request);
}

TEST_CASE("after a restart the item model is rebuilt from the recovered profiles' histories") {
  temp_directory dir;
  {
    engine eng(test_engine(2, dir.path()));
    REQUIRE(eng.wait_ready().ok());
    shop(eng);
  }
  engine eng(test_engine(2, dir.path()));
  REQUIRE(eng.wait_ready().ok());
  // The replay runs in the background; refresh until it has reached the model.
  result<value> a = status{error_code::not_found, ""};
  for (int i = 0; i < 100; ++i) {
    REQUIRE(eng.refresh_item_model_sync().ok());
    a = eng.similar_items_sync("A", 5);
    if (a.ok() && !a->find("items")->as_array().empty())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(a.ok());
  CHECK(items_of(*a).at(0) == "B");
  auto cold = eng.recommend_sync("nobody", 1);
  REQUIRE(cold.ok());
  CHECK(items_of(*cold) == std::vector<std::string>{"E"});
}

TEST_CASE("a node without recommendations says so, and still predicts churn") {
  auto o = test_engine();
  o.recommendations = false;
  engine eng(o);
  REQUIRE(eng.ingest_sync({make_event("u", event_type::view, t0, "A")}).ok());
  auto r = eng.recommend_sync("u", 5);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::unavailable);
  CHECK(r.error().message().find("--recommendations=off") != std::string::npos);
  CHECK_FALSE(eng.similar_items_sync("A", 5).ok());
  auto p = eng.predict_sync("u");
  REQUIRE(p.ok());
  CHECK(p->find("purchase_propensity")->is_nil());
  CHECK(p->find("churn_risk")->is_number());
}

TEST_CASE("queries select users by their predictions") {
  engine eng(test_engine());
  std::vector<event> events;
  for (int d = 0; d < 30; d += 10)
    events.push_back(with_price(make_event("regular", event_type::purchase, t0 + days(d), "milk"), 2));
  events.push_back(make_event("browser", event_type::view, t0 + days(20), "milk"));
  REQUIRE(eng.ingest_sync(events).ok());
  auto at_risk = [&](int64_t now) {
    auto r =
        eng.query_sync(field_cond("predict.churn_risk", ">=", value{0.5}), map_of({{"now", value{now}}}));
    REQUIRE(r.ok());
    return r->find("count")->as_int();
  };
  // regular: cycle 10 days, last purchase day 20; browser: last seen day 20.
  CHECK(at_risk(t0 + days(25)) == 0);
  CHECK(at_risk(t0 + days(45)) == 1);  // regular past two cycles; browser 25 days quiet
  CHECK(at_risk(t0 + days(60)) == 2);  // browser past 30 days
}

TEST_CASE("similar_users scanned in slices between batches answers as one scan does") {
  engine whole(test_engine(2));
  auto o = test_engine(2);
  o.shard_slice_events = 1;  // slices of 16 profiles
  engine sliced(o);
  shop(whole);
  shop(sliced);
  // Ingest keeps arriving while the sliced scans run.
  std::vector<event> more;
  for (int i = 0; i < 200; ++i)
    more.push_back(make_event("late" + std::to_string(i), event_type::view, t0 + days(2) + i, "Z"));
  sliced.ingest(more, [](result<value>) {});
  auto a = whole.similar_users_sync("s30", 20);
  auto b = sliced.similar_users_sync("s30", 20);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK(a->find("users")->as_array().size() == 20);
}

TEST_CASE("predict: the node learns churn from its stream and blends next purchase with the shop") {
  auto o = test_engine();
  o.recommend.churn_census_share = 0.1;
  o.recommend.churn_min_examples = 300;
  engine eng(o);
  // 200 regular shoppers buy every 4 days; 100 of them stop at day 60.
  for (int day = 0; day < 120; ++day) {
    std::vector<event> events;
    for (int u = 0; u < 200; ++u)
      if ((day + u) % 4 == 0 && (u % 2 == 0 || day < 60))
        events.push_back(with_price(
            make_event("c" + std::to_string(u), event_type::purchase, t0 + days(day) + u * 1000, "bread"),
            2));
    REQUIRE(eng.ingest_sync(events).ok());
  }
  REQUIRE(eng.refresh_item_model_sync().ok());
  auto stats = eng.stats_sync();
  REQUIRE(stats.ok());
  CHECK(stats->find("item_model")->find("churn_examples")->as_double() >= 300);
  auto now = map_of({{"now", value{t0 + days(120)}}});
  auto stayed = eng.predict_sync("c0", now);
  auto gone = eng.predict_sync("c1", now);
  REQUIRE(stayed.ok());
  REQUIRE(gone.ok());
  CHECK(stayed->find("churn_learnt")->as_bool());
  CHECK(gone->find("churn_risk")->as_double() > 0.5);
  CHECK(stayed->find("churn_risk")->as_double() < 0.5);
  // Every 4 days for 120 days: about ln 2 x 4 days, the shop's gap barely counts.
  double next = stayed->find("next_purchase_days")->as_double();
  CHECK(next > 2);
  CHECK(next < 3.5);
}
