#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "core/util/top_k.hpp"

using namespace persona;

TEST_CASE("top_k_ids: the best k by score, best first, ties to the smaller id") {
  std::vector<double> score = {0.5, 0.9, 0.1, 0.9, 0.7, 0.5};
  auto by_score = [&](uint32_t id) { return score[id]; };
  std::vector<uint32_t> ids = {0, 1, 2, 3, 4, 5};
  CHECK(top_k_ids(ids, 3, by_score) == std::vector<uint32_t>{1, 3, 4});
  CHECK(top_k_ids(ids, 5, by_score) == std::vector<uint32_t>{1, 3, 4, 0, 5});
  // k at or past the number of ids: all of them, ranked.
  CHECK(top_k_ids(ids, 6, by_score) == std::vector<uint32_t>{1, 3, 4, 0, 5, 2});
  CHECK(top_k_ids(ids, 100, by_score) == std::vector<uint32_t>{1, 3, 4, 0, 5, 2});
  CHECK(top_k_ids(ids, 0, by_score).empty());
  CHECK(top_k_ids({}, 3, by_score).empty());
  // The order the ids come in does not matter.
  CHECK(top_k_ids({5, 4, 3, 2, 1, 0}, 3, by_score) == std::vector<uint32_t>{1, 3, 4});
}

TEST_CASE("top_k_ids breaks every tie the same way") {
  std::vector<uint32_t> ids;
  for (uint32_t i = 1000; i-- > 0;)
    ids.push_back(i);
  auto flat = [](uint32_t) { return 1.0f; };
  auto top = top_k_ids(ids, 5, flat);
  CHECK(top == std::vector<uint32_t>{0, 1, 2, 3, 4});
}
