#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "core/model/item_model.hpp"

using namespace persona;

TEST_CASE("an item model answers for ids it does not know: no popularity, neighbours or metadata") {
  item_model m;
  m.popularity = {0.5f, 2.0f};
  auto meta = std::make_shared<std::vector<item_meta>>(2);
  (*meta)[1].categories = {4, 7};
  (*meta)[1].brand = 3;
  m.meta = meta;
  m.neighbours.resize(2);
  m.neighbours[0] =
      std::make_shared<const std::vector<item_neighbour>>(std::vector<item_neighbour>{{1, 0.8f}});

  CHECK(m.item_count() == 2);
  CHECK(m.popularity_of(1) == 2.0f);
  CHECK(m.popularity_of(2) == 0);
  CHECK(m.popularity_of(name_index::npos) == 0);
  REQUIRE(m.neighbours_of(0));
  CHECK(m.neighbours_of(0)->at(0).item == 1);
  CHECK(m.neighbours_of(1) == nullptr);
  CHECK(m.neighbours_of(5) == nullptr);
  REQUIRE(m.meta_of(1));
  CHECK(m.meta_of(1)->brand == 3);
  CHECK(m.meta_of(2) == nullptr);
  CHECK(m.in_category(1, 7));
  CHECK_FALSE(m.in_category(1, 5));
  CHECK_FALSE(m.in_category(0, 4));
  CHECK_FALSE(m.in_category(9, 4));
  item_model bare;
  CHECK(bare.meta_of(0) == nullptr);
  CHECK_FALSE(bare.in_category(0, 0));
}

TEST_CASE(
    "a holder starts with an empty version over its name indexes, and readers get the latest published") {
  item_model_holder holder;
  auto first = holder.current();
  REQUIRE(first);
  CHECK(first->version == 0);
  CHECK(first->item_count() == 0);
  CHECK(first->items == holder.items());
  CHECK(first->categories == holder.categories());
  CHECK(first->brands == holder.brands());
  CHECK(holder.items() != holder.categories());

  auto next = std::make_shared<item_model>();
  next->version = 1;
  next->items = holder.items();
  holder.publish(next);
  CHECK(holder.current() == next);
  // A reader holding the old version keeps it intact.
  CHECK(first->version == 0);
}
