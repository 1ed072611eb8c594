// snapshot_capture: a capture hands out every profile of the store once, as
// it was at begin(), however the store changes while it runs.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/store/profile_store.hpp"
#include "core/store/snapshot_capture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

void feed(profile_store& s, std::vector<event> events) {
  std::vector<uint32_t> idx(events.size());
  for (size_t i = 0; i < idx.size(); ++i)
    idx[i] = static_cast<uint32_t>(i);
  s.apply(events, idx);
}

/// Users u0..u(n-1), one view each.
void users(profile_store& s, int n) {
  std::vector<event> events;
  for (int u = 0; u < n; ++u)
    events.push_back(make_event("u" + std::to_string(u), event_type::view, t0, "i1"));
  feed(s, events);
}

std::map<std::string, std::string> images(const profile_store& s, int n) {
  std::map<std::string, std::string> out;
  for (int u = 0; u < n; ++u)
    if (auto image = s.export_image("u" + std::to_string(u)))
      out["u" + std::to_string(u)] = *image;
  return out;
}

}  // namespace

TEST_CASE("a capture of a store at rest hands out every profile once, in slices") {
  profile_store s;
  users(s, 7);
  REQUIRE(s.erase("u3"));  // a free slot: not captured
  auto& capture = s.capture();
  CHECK_FALSE(capture.active());
  capture.begin(s);
  CHECK(capture.active());
  CHECK(capture.events() == 7);
  std::vector<captured_profile> out;
  int slices = 0;
  bool complete = false;
  while (!complete) {
    size_t before = out.size();
    complete = capture.slice(s, 2, out);
    CHECK(out.size() - before <= 2);
    ++slices;
  }
  CHECK(slices == 3);  // six profiles, two a slice: the free slot is skipped
  capture.end();
  CHECK_FALSE(capture.active());
  std::map<std::string, std::string> got(out.begin(), out.end());
  CHECK(got.size() == out.size());
  CHECK(got == images(s, 7));
  CHECK(got.count("u3") == 0);
}

TEST_CASE("a profile changed or erased before the scan reaches it is captured as it was at begin") {
  profile_store s;
  users(s, 4);
  auto before = images(s, 4);
  s.capture().begin(s);
  feed(s, {make_event("u3", event_type::click, t0 + 1, "i2"), make_event("new", event_type::view, t0, "i1")});
  REQUIRE(s.erase("u2"));
  REQUIRE(s.set_attributes("u1", map_of({{"tier", value{"gold"}}})).ok());
  // The event count is the one at begin.
  CHECK(s.capture().events() == 4);
  // The saved images come first, whatever the slice's size.
  std::vector<captured_profile> out;
  CHECK_FALSE(s.capture().slice(s, 0, out));
  CHECK(out.size() == 3);
  while (!s.capture().slice(s, 1, out)) {
  }
  s.capture().end();
  std::map<std::string, std::string> got(out.begin(), out.end());
  CHECK(got.size() == out.size());
  CHECK(got == before);
  CHECK(got.count("new") == 0);
}

TEST_CASE("a capture begun during another starts afresh from the store as it is then") {
  profile_store s;
  users(s, 3);
  s.capture().begin(s);
  feed(s, {make_event("u0", event_type::click, t0 + 1, "i2")});  // saved for the first capture
  s.capture().begin(s);
  CHECK(s.capture().events() == 4);
  std::vector<captured_profile> out;
  while (!s.capture().slice(s, 10, out)) {
  }
  s.capture().end();
  std::map<std::string, std::string> got(out.begin(), out.end());
  CHECK(out.size() == 3);
  CHECK(got == images(s, 3));
}
