#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "core/profile/event_id_window.hpp"

using namespace persona;

TEST_CASE("the window remembers the last cap ids and forgets the oldest") {
  event_id_window w;
  CHECK_FALSE(w.contains(1));
  for (uint64_t id = 1; id <= 4; ++id)
    w.insert(id, 3);
  CHECK_FALSE(w.contains(1));
  CHECK(w.contains(2));
  CHECK(w.contains(4));
  CHECK(w.ids() == std::vector<uint64_t>{2, 3, 4});
  // A smaller cap than the window holds drops the oldest down to it.
  w.insert(5, 2);
  CHECK(w.ids() == std::vector<uint64_t>{4, 5});
  // A cap of 0 remembers nothing new.
  w.insert(6, 0);
  CHECK_FALSE(w.contains(6));
  CHECK(w.heap_bytes() >= 2 * sizeof(uint64_t));
}

TEST_CASE("an event's content key is its type, item and ts (and a search's query), not its user or amounts") {
  event e;
  e.user = "u";
  e.type = event_type::purchase;
  e.item = "sku-1";
  e.ts = 1767225600000;
  e.price = 10;
  uint64_t key = content_key(e);
  CHECK(key != 0);
  event resent = e;
  resent.user = "another";  // a profile's window holds one user's keys
  resent.price = 12;
  CHECK(content_key(resent) == key);
  event later = e;
  later.ts += 1;
  CHECK(content_key(later) != key);
  event other_item = e;
  other_item.item = "sku-2";
  CHECK(content_key(other_item) != key);
  event other_type = e;
  other_type.type = event_type::refund;
  CHECK(content_key(other_type) != key);
  event search;
  search.type = event_type::search;
  search.ts = e.ts;
  search.query = "boots";
  event another_search = search;
  another_search.query = "shoes";
  CHECK(content_key(search) != content_key(another_search));
  // The item's length is part of the key: "ab" + query "c" differs from "a" + "bc".
  event split_a = search;
  split_a.item = "ab";
  split_a.query = "c";
  event split_b = search;
  split_b.item = "a";
  split_b.query = "bc";
  CHECK(content_key(split_a) != content_key(split_b));
}
