#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "actors/engine.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

int64_t count_of(const value& profile, const char* type) {
  return profile.find("counts")->find(type)->as_int();
}

}  // namespace

TEST_CASE("ingest applies valid events and rejects the rest by index") {
  engine eng(test_engine(2));
  std::vector<event> batch = {make_event("u1", event_type::view, t0, "i1"),
                              make_event("u2", event_type::view, t0, ""),  // no item
                              with_price(make_event("u1", event_type::purchase, t0 + 1, "i1"), -5),
                              make_event("u3", event_type::click, t0 + 2, "i2")};
  auto r = eng.ingest_sync(batch);
  REQUIRE(r.ok());
  CHECK(r->find("accepted")->as_int() == 2);
  auto& rejected = r->find("rejected")->as_array();
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0].find("index")->as_int() == 1);
  CHECK(rejected[0].find("code")->as_string() == "bad_item");
  CHECK(rejected[1].find("index")->as_int() == 2);
  CHECK(rejected[1].find("code")->as_string() == "bad_price");
  CHECK(count_of(*eng.get_profile_sync("u1"), "view") == 1);
  CHECK(count_of(*eng.get_profile_sync("u1"), "purchase") == 0);
  CHECK(eng.get_profile_sync("u2").error().code() == error_code::not_found);
  auto s = eng.stats_sync();
  REQUIRE(s.ok());
  CHECK(s->find("events_accepted")->as_int() == 2);
  CHECK(s->find("events_rejected")->as_int() == 2);
  CHECK(s->find("users")->as_int() == 2);
  CHECK(s->find("shards")->as_array().size() == 2);
  CHECK(eng.now_ms() == t0 + 2);
}

TEST_CASE("stats report the process's resident memory and page faults") {
  engine eng(test_engine(2));
  auto s = eng.stats_sync();
  REQUIRE(s.ok());
  const value* process = s->find("process");
  REQUIRE(process != nullptr);
  uint64_t rss = 0, minor = 0, major = 0;
  REQUIRE(process->find("rss_bytes")->get_uint(rss));
  REQUIRE(process->find("minor_faults")->get_uint(minor));
  REQUIRE(process->find("major_faults")->get_uint(major));
  // A running process has resident memory and has faulted pages in.
  CHECK(rss > 0);
  CHECK(minor > 0);
}

TEST_CASE("a user's events apply in send order across pipelined batches") {
  engine eng(test_engine(3));
  const int batches = 300;
  std::atomic<int> answered{0};
  std::promise<void> all_done;
  for (int b = 0; b < batches; ++b) {
    // Same timestamp everywhere: only the order of application decides.
    std::vector<event> batch = {make_event("u", event_type::view, t0, "item" + std::to_string(b)),
                                make_event("v" + std::to_string(b), event_type::view, t0, "x")};
    eng.ingest(std::move(batch), [&](result<value> r) {
      REQUIRE(r.ok());
      if (++answered == batches)
        all_done.set_value();
    });
  }
  all_done.get_future().wait();
  auto p = eng.get_profile_sync("u");
  REQUIRE(p.ok());
  auto& recent = p->find("recent_items")->as_array();
  REQUIRE(recent.size() == 20);
  for (int i = 0; i < 20; ++i)
    CHECK(recent[i].as_string() == "item" + std::to_string(batches - 1 - i));
}

TEST_CASE("query counts and aggregates are exact across shards") {
  engine eng(test_engine(4));
  std::vector<event> batch;
  double expected_sum = 0, expected_min = 1e18, expected_max = -1;
  int expected_count = 0;
  for (int u = 0; u < 2000; ++u) {
    std::string user = "user" + std::to_string(u);
    batch.push_back(make_event(user, event_type::view, t0 + u, "i1"));
    if (u % 3 == 0) {
      double price = 1 + u % 97;
      batch.push_back(with_price(make_event(user, event_type::purchase, t0 + u, "i1"), price));
      ++expected_count;
      expected_sum += price;
      expected_min = std::min(expected_min, price);
      expected_max = std::max(expected_max, price);
    }
  }
  REQUIRE(eng.ingest_sync(batch).ok());
  auto options =
      map_of({{"limit", value{7}},
              {"aggregate",
               value{value::array{
                   map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"sum"}}}),
                   map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"avg"}}}),
                   map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"min"}}}),
                   map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"max"}}}),
                   map_of({{"field", value{"rfm.monetary"}}, {"fn", value{"histogram"}}, {"bins", value{8}}}),
               }}}});
  auto r = eng.query_sync(field_cond("counts.purchase", ">=", value{1}), options);
  REQUIRE(r.ok());
  CHECK(r->find("count")->as_int() == expected_count);
  CHECK(r->find("users")->as_array().size() == 7);
  auto& aggs = r->find("aggregates")->as_array();
  REQUIRE(aggs.size() == 5);
  CHECK(aggs[0].find("value")->as_double() == Approx(expected_sum));
  CHECK(aggs[1].find("value")->as_double() == Approx(expected_sum / expected_count));
  CHECK(aggs[2].find("value")->as_double() == expected_min);
  CHECK(aggs[3].find("value")->as_double() == expected_max);
  auto& hist = *aggs[4].find("value");
  CHECK(hist.find("edges")->as_array().size() == 9);
  CHECK(hist.find("edges")->as_array().front().as_double() == expected_min);
  CHECK(hist.find("edges")->as_array().back().as_double() == expected_max);
  int64_t total = 0;
  for (auto& c : hist.find("counts")->as_array())
    total += c.as_int();
  CHECK(total == expected_count);
  // Partial profiles when fields are given.
  auto with_fields = eng.query_sync(field_cond("user", "==", value{"user3"}),
                                    map_of({{"fields", value{value::array{value{"user"}, value{"rfm"}}}}}));
  REQUIRE(with_fields.ok());
  REQUIRE(with_fields->find("users")->as_array().size() == 1);
  CHECK(with_fields->find("users")->as_array()[0].find("rfm")->find("frequency")->as_int() == 1);
}

TEST_CASE("a bad query is refused before any shard is asked") {
  engine eng(test_engine(2));
  auto r = eng.query_sync(field_cond("rfm.nope", ">", value{1}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::bad_request);
  CHECK(r.error().message().find("rfm.nope") != std::string::npos);
}

TEST_CASE("merge folds a user on one shard into a user on another") {
  engine eng(test_engine(4));
  // Find two users that live on different shards by trying names.
  REQUIRE(eng.ingest_sync({with_price(make_event("anon-17", event_type::purchase, t0, "i1"), 10),
                           make_event("anon-17", event_type::view, t0 + 1, "i2"),
                           with_price(make_event("alice", event_type::purchase, t0 + days(3), "i3"), 5)})
              .ok());
  REQUIRE(eng.set_attributes_sync("anon-17", map_of({{"source", value{"ads"}}})).ok());
  auto merged = eng.merge_profiles_sync("anon-17", "alice");
  REQUIRE(merged.ok());
  CHECK(count_of(*merged, "purchase") == 2);
  CHECK(count_of(*merged, "view") == 1);
  CHECK(merged->find("rfm")->find("monetary")->as_double() == 15.0);
  CHECK(merged->find("attributes")->find("source")->as_string() == "ads");
  CHECK(eng.get_profile_sync("anon-17").error().code() == error_code::not_found);
  CHECK(eng.merge_profiles_sync("ghost", "alice").error().code() == error_code::not_found);
  CHECK(eng.merge_profiles_sync("alice", "alice").error().code() == error_code::bad_request);
}

TEST_CASE("get_profile honours fields and now, and delete removes the profile") {
  engine eng(test_engine(2));
  REQUIRE(eng.ingest_sync({make_event("u", event_type::view, t0, "i1")}).ok());
  auto p = eng.get_profile_sync(
      "u", map_of({{"fields", value{value::array{value{"tags"}}}}, {"now", value{t0 + days(31)}}}));
  REQUIRE(p.ok());
  CHECK(p->as_map().size() == 1);
  CHECK(p->find("tags")->as_array()[0].as_string() == "dormant");
  CHECK(eng.get_profile_sync("u", map_of({{"fields", value{value::array{value{"nope"}}}}})).error().code() ==
        error_code::bad_request);
  CHECK(eng.delete_profile_sync("u")->find("deleted")->as_bool());
  CHECK_FALSE(eng.delete_profile_sync("u")->find("deleted")->as_bool());
  CHECK(eng.get_profile_sync("u").error().code() == error_code::not_found);
  CHECK(eng.get_profile_sync("").error().code() == error_code::bad_request);
}

TEST_CASE("catalog items enrich later events") {
  engine eng(test_engine(2));
  auto up =
      eng.upsert_items_sync(value{value::array{map_of({{"item", value{"i1"}},
                                                       {"category", value{"shoes"}},
                                                       {"brand", value{"acme"}},
                                                       {"price", value{80}}}),
                                               map_of({{"item", value{"i2"}}, {"price", value{"free"}}})}});
  REQUIRE(up.ok());
  CHECK(up->find("upserted")->as_int() == 1);
  CHECK(up->find("rejected")->as_array()[0].find("code")->as_string() == "bad_price");
  REQUIRE(eng.ingest_sync({make_event("u", event_type::purchase, t0, "i1")}).ok());
  auto p = eng.get_profile_sync("u");
  CHECK(p->find("affinity")->find("category")->find("shoes")->as_double() == 1.0);
  CHECK(p->find("affinity")->find("brand")->find("acme")->as_double() == 1.0);
  CHECK(p->find("rfm")->find("monetary")->as_double() == 80.0);
}

TEST_CASE("too many calls in flight are answered overloaded") {
  auto o = test_engine(1);
  o.max_in_flight = 0;
  engine eng(o);
  auto r = eng.stats_sync();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::overloaded);
  CHECK(r.error().message().find("retry") != std::string::npos);
}

TEST_CASE("batches larger than a shard's slice apply whole and in order, rejections keep client indices") {
  engine_options o = test_engine(2);
  o.shard_slice_events = 3;  // most batches below are cut into slices
  engine eng(o);
  const int batches = 120;
  std::atomic<int> answered{0};
  std::atomic<int> wrong{0};
  std::promise<void> all_done;
  std::vector<std::string> sent;  // u's items in send order
  int64_t ts = t0;
  for (int b = 0; b < batches; ++b) {
    std::vector<event> batch;
    int size = 1 + b % 9;
    for (int j = 0; j < size; ++j) {
      std::string item = "b" + std::to_string(b) + "-" + std::to_string(j);
      batch.push_back(with_id(make_event("u", event_type::view, ++ts, item), item));
      sent.push_back(item);
      batch.push_back(make_event("w" + std::to_string(j), event_type::click, ts, "x"));
    }
    // The first event again, last: a duplicate at a known client index.
    batch.push_back(batch.front());
    size_t dup_index = batch.size() - 1;
    eng.ingest(std::move(batch), [&, size, dup_index](result<value> r) {
      if (!r.ok() || r->find("accepted")->as_int() != 2 * size ||
          r->find("rejected")->as_array().size() != 1 ||
          r->find("rejected")->as_array()[0].find("index")->as_int() != static_cast<int64_t>(dup_index) ||
          r->find("rejected")->as_array()[0].find("code")->as_string() != "duplicate")
        ++wrong;
      if (++answered == batches)
        all_done.set_value();
    });
  }
  all_done.get_future().wait();
  CHECK(wrong == 0);
  auto p = eng.get_profile_sync("u");
  REQUIRE(p.ok());
  CHECK(count_of(*p, "view") == static_cast<int64_t>(sent.size()));
  auto& recent = p->find("recent_items")->as_array();
  REQUIRE(recent.size() == 20);
  for (size_t i = 0; i < 20; ++i)
    CHECK(recent[i].as_string() == sent[sent.size() - 1 - i]);
}

namespace {

/// Threads of this process running under SCHED_BATCH, read from /proc.
int batch_threads() {
  int n = 0;
  for (auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream after_name(stat.substr(stat.rfind(')') + 2));
    std::string field;
    // Field 41 of stat is the policy; the fields after the name start at 3.
    for (int i = 3; i <= 41 && after_name >> field; ++i) {
    }
    n += field == "3";  // SCHED_BATCH
  }
  return n;
}

}  // namespace

TEST_CASE("batch worker threads run under SCHED_BATCH, and only when asked") {
  {
    engine eng(test_engine(2));
    REQUIRE(eng.ingest_sync({make_event("u", event_type::view, t0, "i1")}).ok());
    CHECK(batch_threads() == 0);
  }
  engine_options o = test_engine(2);
  o.batch_worker_threads = true;
  engine eng(o);
  REQUIRE(eng.ingest_sync({make_event("u", event_type::view, t0, "i1")}).ok());
  // A worker sets its policy when it first runs; on a busy machine the
  // second may not have run yet (up to 20 s, as the other polls).
  for (int i = 0; i < 2000 && batch_threads() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(batch_threads() >= 2);
}

TEST_CASE("calls in flight when the engine is destroyed are answered once before it is gone") {
  std::atomic<int> answers{0};
  // Answers other than applied or unavailable; counted on the answering
  // threads, checked here (Catch's assertions are for the test's thread).
  std::atomic<int> unexpected{0};
  const int batches = 8;
  {
    auto o = test_engine(2);
    o.shard_slice_events = 1;  // each batch takes many slices: some are still queued
    engine eng(o);
    for (int b = 0; b < batches; ++b) {
      std::vector<event> batch;
      for (int i = 0; i < 5000; ++i)
        batch.push_back(make_event("u" + std::to_string(i), event_type::view, t0 + b, "i1"));
      eng.ingest(std::move(batch), [&](result<value> r) {
        // Applied, or dropped by a stopping shard: nothing else.
        if (!r.ok() && r.error().code() != error_code::unavailable)
          ++unexpected;
        ++answers;
      });
    }
    eng.get_profile("u1", value{}, [&](result<value>) { ++answers; });
  }
  // Every batch and the read, once each, by the time the engine is gone.
  CHECK(answers == batches + 1);
  CHECK(unexpected == 0);
}
