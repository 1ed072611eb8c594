// The offline evaluation's parts: the leave-last-out split, the metrics'
// arithmetic on a toy split, and the batch baselines on data small enough
// to know the answers.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "tools/eval/baseline_recommenders.hpp"
#include "tools/eval/leave_last_out.hpp"
#include "tools/eval/ranking_metrics.hpp"

using namespace persona;

TEST_CASE(
    "leave_last_out holds out each user's last interaction by time, and the one before for validation") {
  // User 0: five interactions given out of time order; user 1: three (too few).
  std::vector<interaction> all = {{0, 10, 500}, {0, 11, 100}, {1, 20, 50},  {0, 12, 300},
                                  {0, 13, 200}, {1, 21, 60},  {0, 14, 400}, {1, 22, 70}};
  auto split = leave_last_out(all, 5);
  REQUIRE(split.test.size() == 1);
  REQUIRE(split.validation.size() == 1);
  CHECK(split.test[0].user == 0);
  CHECK(split.test[0].item == 10);
  CHECK(split.validation[0].item == 14);
  for (size_t i = 1; i < split.ordered.size(); ++i)
    CHECK(split.ordered[i - 1].ts_ms <= split.ordered[i].ts_ms);
  auto for_test = histories(split, 2, 2);
  CHECK(for_test[0] == std::vector<uint32_t>{11, 13, 12, 14});
  CHECK(for_test[1] == std::vector<uint32_t>{20, 21, 22});
  auto for_validation = histories(split, 1, 2);
  CHECK(for_validation[0] == std::vector<uint32_t>{11, 13, 12});
}

TEST_CASE("leave_last_out breaks ties in time by input order") {
  std::vector<interaction> all = {{0, 1, 5}, {0, 2, 5}, {0, 3, 5}};
  auto split = leave_last_out(all, 2);
  REQUIRE(split.test.size() == 1);
  CHECK(split.test[0].item == 3);
  CHECK(split.validation[0].item == 2);
}

TEST_CASE("ranking_metrics: HR@10, NDCG@10, Recall@20 and coverage on a toy split") {
  ranking_metrics m(100);
  std::vector<uint32_t> list(20);
  for (uint32_t i = 0; i < 20; ++i)
    list[i] = i;
  m.add(list, 0);   // rank 1: HR, NDCG 1
  m.add(list, 2);   // rank 3: NDCG 1 / log2(4) = 0.5
  m.add(list, 14);  // rank 15: only Recall@20
  m.add(list, 50);  // not there
  auto f = m.figures();
  CHECK(f.users == 4);
  CHECK(f.hr10 == Approx(0.5));
  CHECK(f.ndcg10 == Approx((1.0 + 0.5) / 4));
  CHECK(f.recall20 == Approx(0.75));
  CHECK(f.coverage == Approx(10.0 / 100));  // items 0..9 shown in a top 10
  CHECK(ranking_metrics(10).figures().hr10 == 0);
}

namespace {

std::vector<std::vector<uint32_t>> toy_histories() {
  // Items 0-1 go together, 2-3 go together; 4 is popular with everyone.
  return {{0, 1, 4}, {0, 1, 4}, {2, 3, 4}, {2, 3, 4}, {0, 4}, {2, 4}, {1, 4}};
}

}  // namespace

TEST_CASE("baselines: popularity, ItemKNN and EASE on histories with known answers") {
  auto h = toy_histories();
  auto pop = fit_popularity(h, 5);
  CHECK(pop->recommend({4}, 2) == std::vector<uint32_t>{0, 1});  // 3 each: ties by id
  auto knn = fit_item_knn(h, 5);
  CHECK(knn->recommend({0, 4}, 1) == std::vector<uint32_t>{1});
  CHECK(knn->recommend({2, 4}, 1) == std::vector<uint32_t>{3});
  auto ease = fit_ease(h, 5, 1.0);
  CHECK(ease->recommend({0, 4}, 1) == std::vector<uint32_t>{1});
  CHECK(ease->recommend({3}, 1) == std::vector<uint32_t>{2});
  // Never a history item; never an item nobody trained on.
  auto all = ease->recommend({0}, 10);
  CHECK(std::find(all.begin(), all.end(), 0u) == all.end());
  CHECK(fit_ease(h, 6, 1.0)->recommend({0}, 10).size() == 4);
}

TEST_CASE("EASE through the users' Gram matrix (Woodbury) equals EASE through the items'") {
  // Doubling every user doubles X^T X; with lambda doubled too, B is the
  // same. Seven users under 50 items take the Woodbury path; 7 * 10 users
  // over 50 items take the direct one.
  std::mt19937_64 rng(11);
  std::vector<std::vector<uint32_t>> few;
  for (uint32_t u = 0; u < 7; ++u) {
    std::vector<uint32_t> items;
    for (uint32_t i = 0; i < 50; ++i)
      if (rng() % 3 == 0)
        items.push_back(i);
    few.push_back(items);
  }
  std::vector<std::vector<uint32_t>> many;
  for (int copy = 0; copy < 10; ++copy)
    many.insert(many.end(), few.begin(), few.end());
  auto a = fit_ease(few, 50, 2.0);
  auto b = fit_ease(many, 50, 20.0);
  for (auto& history : few)
    CHECK(a->recommend(history, 10) == b->recommend(history, 10));
}
