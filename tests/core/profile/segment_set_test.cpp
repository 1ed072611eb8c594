#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "core/profile/segment_set.hpp"

using namespace persona;

namespace {

std::vector<segment_id> ids_of(const segment_set& s) {
  return std::vector<segment_id>(s.begin(), s.end());
}

}  // namespace

TEST_CASE("a segment set is 16 bytes and starts empty, with nothing on the heap") {
  CHECK(sizeof(segment_set) == 16);
  segment_set s;
  CHECK(s.empty());
  CHECK(s.size() == 0);
  CHECK(s.begin() == s.end());
  CHECK(s.inline_bits() == 0);
  CHECK(s.heap_bytes() == 0);
  CHECK(s.heap_block() == nullptr);
  for (segment_id id : {0, 1, 63, 64, 65, 1000, 65535})
    CHECK_FALSE(s.contains(id));
}

TEST_CASE("ids below 64 are bits of the inline word: set says whether it changed the set") {
  segment_set s;
  CHECK(s.set(3, true));
  CHECK_FALSE(s.set(3, true));  // already in
  CHECK(s.contains(3));
  CHECK_FALSE(s.contains(2));
  CHECK_FALSE(s.contains(4));
  CHECK(s.inline_bits() == uint64_t{1} << 3);
  CHECK(s.set(0, true));
  CHECK(s.set(63, true));
  CHECK(s.inline_bits() == ((uint64_t{1} << 63) | (uint64_t{1} << 3) | 1u));
  CHECK(s.size() == 3);
  CHECK_FALSE(s.empty());
  CHECK(ids_of(s) == std::vector<segment_id>{0, 3, 63});
  CHECK(s.heap_bytes() == 0);
  CHECK(s.heap_block() == nullptr);

  CHECK(s.set(3, false));
  CHECK_FALSE(s.set(3, false));  // already out
  CHECK_FALSE(s.set(5, false));  // never in
  CHECK_FALSE(s.contains(3));
  CHECK(ids_of(s) == std::vector<segment_id>{0, 63});
  CHECK(s.size() == 2);
}

TEST_CASE("ids from 64 spill to the heap, kept in order whatever the order they came in") {
  segment_set s;
  CHECK(s.set(1000, true));
  CHECK(s.heap_bytes() > 0);
  CHECK(s.heap_block() != nullptr);
  CHECK(s.set(64, true));
  CHECK(s.set(65535, true));
  CHECK(s.set(500, true));
  CHECK_FALSE(s.set(500, true));
  CHECK(s.set(7, true));
  // The inline word holds only ids below 64.
  CHECK(s.inline_bits() == uint64_t{1} << 7);
  CHECK(s.size() == 5);
  CHECK(ids_of(s) == std::vector<segment_id>{7, 64, 500, 1000, 65535});
  for (segment_id id : {7, 64, 500, 1000, 65535})
    CHECK(s.contains(id));
  for (segment_id id : {6, 63, 65, 499, 501, 999, 65534})
    CHECK_FALSE(s.contains(id));

  SECTION("taking an id out of the middle keeps the rest in order") {
    CHECK(s.set(500, false));
    CHECK_FALSE(s.set(500, false));
    CHECK_FALSE(s.set(501, false));
    CHECK(ids_of(s) == std::vector<segment_id>{7, 64, 1000, 65535});
    CHECK(s.size() == 4);
  }
  SECTION("taking out the first and the last spilled ids") {
    CHECK(s.set(64, false));
    CHECK(s.set(65535, false));
    CHECK(ids_of(s) == std::vector<segment_id>{7, 500, 1000});
  }
  SECTION("with every spilled id out, only the inline ones are left") {
    for (segment_id id : {64, 500, 1000, 65535})
      CHECK(s.set(id, false));
    CHECK(s.size() == 1);
    CHECK(ids_of(s) == std::vector<segment_id>{7});
    CHECK(s.set(7, false));
    CHECK(s.empty());
    CHECK(s.begin() == s.end());
  }
}

TEST_CASE("the iterator walks ascending ids and works with the standard algorithms") {
  segment_set s;
  for (segment_id id : {200, 2, 90, 40})
    s.set(id, true);
  auto it = s.begin();
  CHECK(*it == 2);
  auto was = it++;
  CHECK(*was == 2);
  CHECK(*it == 40);
  CHECK(*++it == 90);
  ++it;
  CHECK(*it == 200);
  ++it;
  CHECK(it == s.end());
  CHECK(std::distance(s.begin(), s.end()) == 4);
  CHECK(std::is_sorted(s.begin(), s.end()));
  CHECK(std::find(s.begin(), s.end(), 90) != s.end());
  CHECK(std::count_if(s.begin(), s.end(), [](segment_id id) { return id >= 64; }) == 2);
}

TEST_CASE("every one of the 65,536 ids fits in one set") {
  segment_set s;
  for (uint32_t id = 0; id <= 65535; ++id)
    REQUIRE(s.set(static_cast<segment_id>(id), true));
  CHECK(s.size() == 65536);
  CHECK(s.inline_bits() == UINT64_MAX);
  uint32_t expected = 0;
  for (auto id : s)
    REQUIRE(id == expected++);
  CHECK(expected == 65536);
  for (uint32_t id = 0; id <= 65535; id += 7)
    REQUIRE(s.contains(static_cast<segment_id>(id)));
  // Down again, from the top.
  for (uint32_t id = 65536; id-- > 0;)
    REQUIRE(s.set(static_cast<segment_id>(id), false));
  CHECK(s.empty());
}

TEST_CASE("random puts and takes agree with a std::set, answer by answer") {
  std::mt19937 rng(11);
  segment_set s;
  std::set<segment_id> truth;
  for (int step = 0; step < 20000; ++step) {
    // Mostly small ids, as a node's segments are, with some large ones.
    auto id = static_cast<segment_id>(rng() % 4 == 0 ? rng() % 65536 : rng() % 300);
    bool in = rng() % 3 != 0;
    bool changes = in ? truth.insert(id).second : truth.erase(id) == 1;
    REQUIRE(s.set(id, in) == changes);
    REQUIRE(s.size() == truth.size());
    if (step % 500 == 0) {
      REQUIRE(ids_of(s) == std::vector<segment_id>(truth.begin(), truth.end()));
      for (int k = 0; k < 50; ++k) {
        auto probe = static_cast<segment_id>(rng() % 65536);
        REQUIRE(s.contains(probe) == (truth.count(probe) == 1));
      }
    }
  }
  CHECK(ids_of(s) == std::vector<segment_id>(truth.begin(), truth.end()));
}

TEST_CASE("a copy owns its own ids: changing one leaves the other as it was") {
  segment_set a;
  for (segment_id id : {1, 70, 80, 90, 100, 110})
    a.set(id, true);

  SECTION("copy construction") {
    segment_set b(a);
    CHECK(ids_of(b) == ids_of(a));
    CHECK(b.heap_block() != a.heap_block());
    b.set(80, false);
    b.set(2, true);
    b.set(120, true);
    CHECK(ids_of(a) == std::vector<segment_id>{1, 70, 80, 90, 100, 110});
    CHECK(ids_of(b) == std::vector<segment_id>{1, 2, 70, 90, 100, 110, 120});
  }
  SECTION("copy assignment over a set with ids of its own") {
    segment_set b;
    b.set(5, true);
    b.set(3000, true);
    b = a;
    CHECK(ids_of(b) == ids_of(a));
    CHECK_FALSE(b.contains(3000));
    a.set(70, false);
    CHECK(b.contains(70));
  }
  SECTION("copy of a set with nothing spilled has no heap block") {
    segment_set small;
    small.set(9, true);
    segment_set b(small);
    CHECK(b.heap_block() == nullptr);
    CHECK(ids_of(b) == std::vector<segment_id>{9});
  }
  SECTION("assigning a set to itself keeps it") {
    segment_set& same = a;
    a = same;
    CHECK(ids_of(a) == std::vector<segment_id>{1, 70, 80, 90, 100, 110});
  }
}

TEST_CASE("a move hands over the heap block and leaves the source empty") {
  segment_set a;
  for (segment_id id : {4, 64, 640})
    a.set(id, true);
  const void* block = a.heap_block();

  SECTION("move construction") {
    segment_set b(std::move(a));
    CHECK(b.heap_block() == block);
    CHECK(ids_of(b) == std::vector<segment_id>{4, 64, 640});
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from set is empty
    CHECK(a.heap_block() == nullptr);
  }
  SECTION("move assignment over a set with ids of its own") {
    segment_set b;
    b.set(7000, true);
    b = std::move(a);
    CHECK(b.heap_block() == block);
    CHECK(ids_of(b) == std::vector<segment_id>{4, 64, 640});
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from set is empty
    // The source can be used again.
    CHECK(a.set(100, true));
    CHECK(ids_of(a) == std::vector<segment_id>{100});
  }
}

TEST_CASE("clear takes every id out and gives the heap block back") {
  segment_set s;
  for (segment_id id : {0, 10, 64, 9999})
    s.set(id, true);
  s.clear();
  CHECK(s.empty());
  CHECK(s.size() == 0);
  CHECK(s.inline_bits() == 0);
  CHECK(s.heap_bytes() == 0);
  CHECK(s.heap_block() == nullptr);
  CHECK_FALSE(s.contains(9999));
  CHECK(s.set(9999, true));
  CHECK(ids_of(s) == std::vector<segment_id>{9999});
}

TEST_CASE("a segment set keeps ids below 64 as bits, spills larger ones, and copies and moves whole") {
  segment_set s;
  CHECK(s.empty());
  CHECK(s.heap_bytes() == 0);
  for (segment_id id : {9, 3, 63, 7, 1, 0})
    CHECK(s.set(id, true));
  CHECK_FALSE(s.set(7, true));  // already in
  CHECK(std::vector<segment_id>(s.begin(), s.end()) == std::vector<segment_id>{0, 1, 3, 7, 9, 63});
  CHECK(s.heap_bytes() == 0);
  CHECK_FALSE(s.set(64, false));  // not in
  for (segment_id id = 200; id > 60; id -= 7)
    s.set(id, true);
  CHECK(s.heap_bytes() > 0);
  std::vector<segment_id> all(s.begin(), s.end());
  CHECK(std::is_sorted(all.begin(), all.end()));
  CHECK(all.size() == s.size());
  CHECK(s.contains(165));
  CHECK_FALSE(s.contains(166));
  CHECK(s.contains(63));
  segment_set copy = s;
  CHECK(s.set(165, false));
  CHECK(s.set(3, false));
  CHECK_FALSE(s.contains(165));
  CHECK_FALSE(s.contains(3));
  CHECK(copy.contains(165));
  CHECK(copy.contains(3));
  CHECK(copy.size() == s.size() + 2);
  segment_set moved = std::move(copy);
  CHECK(moved.size() == s.size() + 2);
  CHECK(copy.empty());
  moved = s;
  CHECK(std::vector<segment_id>(moved.begin(), moved.end()) == std::vector<segment_id>(s.begin(), s.end()));
  moved.clear();
  CHECK(moved.empty());
  CHECK(moved.heap_bytes() == 0);
  CHECK(moved.set(2, true));
  CHECK(moved.contains(2));
  CHECK(moved.set(65535 - 1, true));
  CHECK(std::vector<segment_id>(moved.begin(), moved.end()) == std::vector<segment_id>{2, 65534});
}
