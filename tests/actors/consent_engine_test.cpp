// Consent and the right of access: without profiling a user's events are
// accepted and not kept (not applied, not logged); without recommend
// recommend answers popular items and says so; without marketing segment
// members and subscriptions leave the user out; consents survive a
// restart; export_profile shows everything held on a user.
#include <catch2/catch.hpp>
#include <mutex>

#include "actors/engine.hpp"
#include "data_dir_scan.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

value consent(bool profiling, bool recommend, bool marketing) {
  return map_of(
      {{"profiling", value{profiling}}, {"recommend", value{recommend}}, {"marketing", value{marketing}}});
}

event on_device(event e, const std::string& device) {
  e.device = device;
  e.mark(event_key::device);
  return e;
}

int64_t views_of(engine& eng, const std::string& user) {
  auto p = eng.get_profile_sync(user);
  REQUIRE(p.ok());
  return p->find("counts")->find("view")->as_int();
}

}  // namespace

TEST_CASE("without profiling consent a user's events are accepted, not kept, and never reach the WAL") {
  temp_directory dir;
  {
    engine eng(test_engine(2, dir.path()));
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.ingest_sync({make_event("refuser", event_type::view, t0, "i1")}).ok());
    auto set = eng.set_consent_sync("refuser", map_of({{"profiling", value{false}}}));
    REQUIRE(set.ok());
    CHECK(encode_value(*set->find("consent")) == encode_value(consent(false, true, true)));
    auto r = eng.ingest_sync(
        {on_device(make_event("refuser", event_type::view, t0 + 1000, "i2"), "refuser-device-41"),
         make_event("other", event_type::view, t0 + 1000, "i2"),
         on_device(make_event("refuser", event_type::click, t0 + 2000, "i2"), "refuser-device-41")});
    REQUIRE(r.ok());
    CHECK(r->find("accepted")->as_int() == 1);
    CHECK(r->find("not_kept")->as_int() == 2);
    CHECK(r->find("rejected")->as_array().empty());
    CHECK(views_of(eng, "refuser") == 1);  // what it held before stays
    CHECK(files_holding(dir.path(), {"refuser-device-41"}).empty());
    auto stats = eng.stats_sync();
    REQUIRE(stats.ok());
    CHECK(stats->find("events_not_kept")->as_int() == 2);
  }
  // The consent is durable; granted again, events are kept.
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  auto p = again.get_profile_sync("refuser");
  REQUIRE(p.ok());
  CHECK(encode_value(*p->find("consent")) == encode_value(consent(false, true, true)));
  REQUIRE(again.set_consent_sync("refuser", map_of({{"profiling", value{true}}})).ok());
  auto r = again.ingest_sync({make_event("refuser", event_type::view, t0 + 3000, "i3")});
  REQUIRE(r.ok());
  CHECK(r->find("accepted")->as_int() == 1);
  CHECK(r->find("not_kept") == nullptr);
  CHECK(views_of(again, "refuser") == 2);
}

TEST_CASE("consent survives a snapshot and a restart, and a memory-only node drops events too") {
  temp_directory dir;
  {
    engine eng(test_engine(2, dir.path()));
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.set_consent_sync("u", consent(true, false, false)).ok());
    REQUIRE(eng.snapshot_sync().ok());
  }
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  auto p = again.get_profile_sync("u");
  REQUIRE(p.ok());
  CHECK(encode_value(*p->find("consent")) == encode_value(consent(true, false, false)));

  engine memory(test_engine(2));
  REQUIRE(memory.set_consent_sync("m", map_of({{"profiling", value{false}}})).ok());
  auto r = memory.ingest_sync({make_event("m", event_type::view, t0, "i1")});
  REQUIRE(r.ok());
  CHECK(r->find("not_kept")->as_int() == 1);
  CHECK(views_of(memory, "m") == 0);
}

TEST_CASE("set_consent refuses what is not a map of known bools, and changes nothing") {
  engine eng(test_engine(2));
  for (auto bad : {value{}, value{value::map{}}, map_of({{"profiling", value{"no"}}}),
                   map_of({{"tracking", value{false}}})}) {
    auto r = eng.set_consent_sync("u", bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == error_code::bad_request);
  }
  CHECK(eng.get_profile_sync("u").error().code() == error_code::not_found);
}

TEST_CASE("without recommend consent, recommend answers popular items and says it is not personalized") {
  engine eng(test_engine());
  std::vector<event> events;
  for (int u = 0; u < 20; ++u) {
    auto user = "s" + std::to_string(u);
    events.push_back(make_event(user, event_type::view, t0 + u * 1000, "A"));
    events.push_back(make_event(user, event_type::view, t0 + u * 1000 + 10, "B"));
  }
  for (int i = 0; i < 40; ++i)
    events.push_back(make_event("e" + std::to_string(i), event_type::view, t0 + 50000 + i, "E"));
  events.push_back(make_event("private", event_type::view, t0 + 60000, "A"));
  events.push_back(make_event("open", event_type::view, t0 + 60000, "A"));
  REQUIRE(eng.ingest_sync(events).ok());
  REQUIRE(eng.refresh_item_model_sync().ok());
  REQUIRE(eng.set_consent_sync("private", map_of({{"recommend", value{false}}})).ok());
  auto open = eng.recommend_sync("open", 1, map_of({{"strategy", value{"item_cf"}}}));
  REQUIRE(open.ok());
  CHECK(open->find("personalized")->as_bool());
  CHECK(open->find("items")->as_array()[0].find("item")->as_string() == "B");
  auto closed = eng.recommend_sync("private", 1, map_of({{"strategy", value{"item_cf"}}}));
  REQUIRE(closed.ok());
  CHECK_FALSE(closed->find("personalized")->as_bool());
  CHECK(closed->find("strategy")->as_string() == "popular");
  CHECK(closed->find("items")->as_array()[0].find("item")->as_string() == "E");
}

TEST_CASE("without marketing consent a user is left out of segment members and subscriptions") {
  engine eng(test_engine());
  REQUIRE(eng.define_segment_sync("viewers", field_cond("counts.view", ">=", value{int64_t{1}})).ok());
  std::mutex mu;
  std::vector<std::string> pushed;
  auto id = eng.subscribe({"viewers"}, [&](value::array& batch) {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& e : batch)
      pushed.push_back(e.find("user")->as_string());
  });
  REQUIRE(id.ok());
  REQUIRE(eng.set_consent_sync("quiet", map_of({{"marketing", value{false}}})).ok());
  REQUIRE(eng.ingest_sync({make_event("quiet", event_type::view, t0, "i1"),
                           make_event("loud", event_type::view, t0, "i1")})
              .ok());
  auto members = eng.segment_members_sync("viewers");
  REQUIRE(members.ok());
  std::vector<std::string> listed;
  for (auto& u : members->find("users")->as_array())
    listed.push_back(u.as_string());
  CHECK(listed == std::vector<std::string>{"loud"});
  // The profile is in the segment all the same.
  auto p = eng.get_profile_sync("quiet");
  REQUIRE(p.ok());
  CHECK(p->find("segments")->as_array().size() == 1);
  // Pushes go out as the changes apply; "loud"'s shows they did.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!pushed.empty() || std::chrono::steady_clock::now() > deadline)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(mu);
  CHECK(pushed == std::vector<std::string>{"loud"});
  eng.unsubscribe(*id);
}

TEST_CASE("export_profile shows everything held on a user, and not_found for an unknown one") {
  engine eng(test_engine());
  REQUIRE(eng.define_segment_sync("viewers", field_cond("counts.view", ">=", value{int64_t{1}})).ok());
  REQUIRE(
      eng.ingest_sync({on_device(with_id(make_event("u", event_type::view, t0, "i1"), "e1"), "phone")}).ok());
  REQUIRE(eng.set_attributes_sync("u", map_of({{"tier", value{"gold"}}})).ok());
  REQUIRE(eng.set_consent_sync("u", map_of({{"marketing", value{false}}})).ok());
  auto r = eng.export_profile_sync("u");
  REQUIRE(r.ok());
  CHECK(r->find("user")->as_string() == "u");
  auto& p = *r->find("profile");
  CHECK(p.find("attributes")->find("tier")->as_string() == "gold");
  CHECK(encode_value(*p.find("consent")) == encode_value(consent(true, true, false)));
  CHECK(p.find("segments")->as_array().size() == 1);
  CHECK(p.find("recent_items")->as_array().size() == 1);
  CHECK(p.find("tags") != nullptr);
  CHECK(p.find("risk") != nullptr);
  CHECK(r->find("predictions")->find("churn_risk") != nullptr);
  CHECK(r->find("hashed")->find("event_ids")->as_int() == 1);
  CHECK(r->find("hashed")->find("devices_and_geos")->as_int() >= 1);
  CHECK(eng.export_profile_sync("nobody").error().code() == error_code::not_found);
}
