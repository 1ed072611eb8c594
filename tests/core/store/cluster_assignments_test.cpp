// cluster_assignments: a training's moments and standardized points over
// one store, and the model that sets every profile's cluster, then keeps it
// as profiles change.
#include <catch2/catch.hpp>

#include <memory>

#include "core/store/cluster_assignments.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Users a (age 20, one view), b (age 40, two views) and c (no age, one view).
void three_users(profile_store& s) {
  std::vector<event> events = {
      make_event("a", event_type::view, t0, "i1"), make_event("b", event_type::view, t0, "i1"),
      make_event("b", event_type::view, t0 + 1, "i2"), make_event("c", event_type::view, t0, "i1")};
  s.apply(events, {0, 1, 2, 3});
  REQUIRE(s.set_attributes("a", map_of({{"age", value{int64_t{20}}}})).ok());
  REQUIRE(s.set_attributes("b", map_of({{"age", value{int64_t{40}}}})).ok());
}

/// Two centroids on standardized age: -1 (age 20) and +1 (age 40).
std::shared_ptr<cluster_model> age_model() {
  auto m = std::make_shared<cluster_model>();
  m->features = {"attributes.age"};
  m->mean = {30};
  m->scale = {10};
  m->centroids = {-1, 1};
  return m;
}

}  // namespace

TEST_CASE("moments cover the profiles that have every feature, and add no symbols") {
  profile_store s;
  three_users(s);
  auto symbols = s.symbols().size();
  auto m = s.clusters().moments(s, {"attributes.age", "counts.view"}, t0);
  REQUIRE(m.ok());
  CHECK(m->n == 2);
  CHECK(m->sum == std::vector<double>{60, 3});
  CHECK(m->sumsq == std::vector<double>{400 + 1600, 1 + 4});
  auto unknown = s.clusters().moments(s, {"attributes.height"}, t0);
  REQUIRE(unknown.ok());
  CHECK(unknown->n == 0);
  CHECK(s.symbols().size() == symbols);
}

TEST_CASE("a feature that is not a numeric profile field is a bad request naming it") {
  profile_store s;
  three_users(s);
  auto user = s.clusters().moments(s, {"counts.view", "user"}, t0);
  REQUIRE_FALSE(user.ok());
  CHECK(user.error().code() == error_code::bad_request);
  CHECK_THAT(user.error().message(), Catch::Contains("features[1]"));
  auto bad = s.clusters().prepare(s, {"no.such.path"}, {0}, {1}, t0);
  CHECK(bad.code() == error_code::bad_request);
  CHECK_THAT(bad.message(), Catch::Contains("features[0]"));
}

TEST_CASE("prepare reads standardized points, and a model sets every cluster and frees them") {
  profile_store s;
  three_users(s);
  REQUIRE(s.clusters().prepare(s, {"attributes.age"}, {30}, {10}, t0).ok());
  auto& points = s.clusters().points();
  REQUIRE(points.size() == 2);
  CHECK(points.point(0)[0] == -1.0);
  CHECK(points.point(1)[0] == 1.0);
  CHECK(s.clusters().model() == nullptr);
  s.clusters().install(s, age_model(), t0);
  REQUIRE(s.clusters().model());
  CHECK(s.clusters().model()->k() == 2);
  CHECK(s.clusters().points().size() == 0);
  CHECK(s.find("a")->cluster == 0);
  CHECK(s.find("b")->cluster == 1);
  CHECK(s.find("c")->cluster == -1);  // no age: in no cluster
}

TEST_CASE("a changed profile is assigned again, and without a model every cluster is -1") {
  profile_store s;
  three_users(s);
  s.clusters().install(s, age_model(), t0);
  REQUIRE(s.set_attributes("a", map_of({{"age", value{int64_t{45}}}})).ok());
  CHECK(s.find("a")->cluster == 1);
  REQUIRE(s.set_attributes("c", map_of({{"age", value{int64_t{18}}}})).ok());
  CHECK(s.find("c")->cluster == 0);
  s.apply({make_event("d", event_type::view, t0, "i1")}, {0});
  CHECK(s.find("d")->cluster == -1);
  s.clusters().install(s, nullptr, t0);
  CHECK(s.clusters().model() == nullptr);
  for (auto user : {"a", "b", "c", "d"})
    CHECK(s.find(user)->cluster == -1);
  // A model on a field that is not numeric is not installed.
  auto bad = age_model();
  bad->features = {"user"};
  s.clusters().install(s, bad, t0);
  CHECK(s.clusters().model() == nullptr);
  CHECK(s.find("b")->cluster == -1);
}
