#include <catch2/catch.hpp>

#include "core/profile/segment_directory.hpp"

using namespace persona;

TEST_CASE("a segment directory finds live segments by name, never a free id") {
  segment_directory d;
  CHECK_FALSE(d.find("vip"));
  d.names = {"vip", "", "big_spenders"};
  CHECK(d.find("vip") == segment_id{0});
  CHECK(d.find("big_spenders") == segment_id{2});
  CHECK_FALSE(d.find(""));  // id 1 is free
  CHECK_FALSE(d.find("VIP"));
  // A dropped segment's id is reused by the next one defined.
  d.names[0].clear();
  CHECK_FALSE(d.find("vip"));
  d.names[0] = "new_users";
  CHECK(d.find("new_users") == segment_id{0});
}
