// train_clusters through the engine: every profile gets its cluster, new
// users are assigned as they arrive, the answer is deterministic for a
// seed, bad options are refused, and the model survives a restart.
#include <catch2/catch.hpp>
#include <random>

#include "actors/engine.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Two kinds of shoppers: a few big purchases, or many small ones.
void feed(engine& eng, int users) {
  std::vector<event> events;
  for (int u = 0; u < users; ++u) {
    auto user = "u" + std::to_string(u);
    bool big = u % 2 == 0;
    for (int i = 0; i < (big ? 2 : 12); ++i)
      events.push_back(
          with_price(make_event(user, event_type::purchase, t0 + u * 1000 + i, "i1"), big ? 400.0 : 5.0));
  }
  REQUIRE(eng.ingest_sync(events).ok());
}

value train_options(uint64_t k, uint64_t seed) {
  return map_of({{"k", value{k}},
                 {"features", value{value::array{value{"rfm.frequency"}, value{"rfm.monetary"}}}},
                 {"seed", value{seed}}});
}

}  // namespace

TEST_CASE("train_clusters separates two kinds of shoppers, sets every profile's cluster, is deterministic") {
  engine eng(test_engine());
  feed(eng, 200);
  auto a = eng.train_clusters_sync(train_options(2, 9));
  REQUIRE(a.ok());
  CHECK(a->find("k")->as_int() == 2);
  auto& sizes = a->find("sizes")->as_array();
  REQUIRE(sizes.size() == 2);
  CHECK(sizes[0].as_int() == 100);
  CHECK(sizes[1].as_int() == 100);
  CHECK(a->find("inertia")->as_double() == Approx(0.0).margin(1e-6));
  // Centroids are in the features' own units: (2, 800) and (12, 60).
  std::vector<double> freq;
  for (auto& c : a->find("centroids")->as_array())
    freq.push_back(c.as_array()[0].as_double());
  std::sort(freq.begin(), freq.end());
  CHECK(freq[0] == Approx(2));
  CHECK(freq[1] == Approx(12));
  auto b = eng.train_clusters_sync(train_options(2, 9));
  REQUIRE(b.ok());
  CHECK(b->find("centroids")->to_json() == a->find("centroids")->to_json());
  // Every profile has its cluster; big spenders share one.
  auto big = eng.get_profile_sync("u0")->find("cluster")->as_int();
  auto small = eng.get_profile_sync("u1")->find("cluster")->as_int();
  CHECK(big != small);
  CHECK(eng.get_profile_sync("u198")->find("cluster")->as_int() == big);
  auto q = eng.query_sync(field_cond("cluster", "==", value{big}));
  CHECK(q->find("count")->as_int() == 100);
  // A new user is assigned as their events arrive.
  REQUIRE(eng.ingest_sync(
                 {with_price(make_event("newcomer", event_type::purchase, t0 + days(1), "i1"), 390.0),
                  with_price(make_event("newcomer", event_type::purchase, t0 + days(1) + 1, "i1"), 410.0)})
              .ok());
  CHECK(eng.get_profile_sync("newcomer")->find("cluster")->as_int() == big);
  CHECK(eng.get_clusters_sync()->find("centroids")->to_json() == a->find("centroids")->to_json());
}

TEST_CASE("train_clusters refuses bad options with what to do") {
  engine eng(test_engine());
  CHECK(eng.get_clusters_sync().error().code() == error_code::not_found);
  auto no_features = eng.train_clusters_sync(map_of({{"k", value{uint64_t{3}}}}));
  REQUIRE_FALSE(no_features.ok());
  CHECK_THAT(no_features.error().message(), Catch::Contains("options.features"));
  auto list = eng.train_clusters_sync(map_of({{"features", value{value::array{value{"tags"}}}}}));
  REQUIRE_FALSE(list.ok());
  CHECK_THAT(list.error().message(), Catch::Contains("not a numeric field"));
  auto k = eng.train_clusters_sync(train_options(0, 1));
  CHECK_THAT(k.error().message(), Catch::Contains("options.k"));
  auto nobody = eng.train_clusters_sync(train_options(2, 1));
  REQUIRE_FALSE(nobody.ok());
  CHECK_THAT(nobody.error().message(), Catch::Contains("no user has every feature"));
}

TEST_CASE("the cluster model and every profile's cluster survive a restart") {
  temp_directory dir;
  value trained;
  int64_t big = -1;
  {
    engine eng(test_engine(2, dir.path()));
    REQUIRE(eng.wait_ready().ok());
    feed(eng, 100);
    auto r = eng.train_clusters_sync(train_options(2, 3));
    REQUIRE(r.ok());
    trained = *r;
    big = eng.get_profile_sync("u0")->find("cluster")->as_int();
  }
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  CHECK(again.get_clusters_sync()->find("centroids")->to_json() == trained.find("centroids")->to_json());
  CHECK(again.get_profile_sync("u0")->find("cluster")->as_int() == big);
  CHECK(again.get_profile_sync("u2")->find("cluster")->as_int() == big);
}
