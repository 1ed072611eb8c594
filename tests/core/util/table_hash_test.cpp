// The seeded hash of in-memory tables.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "core/util/stable_hash.hpp"
#include "core/util/table_hash.hpp"

using namespace persona;

TEST_CASE("table_hash is the same within a process and differs from the unkeyed hash") {
  CHECK(table_hash("alice") == table_hash("alice"));
  CHECK(table_hash("alice") != table_hash("alicf"));
  CHECK(table_hash("alice") != stable_hash("alice"));
  CHECK(table_hasher{}(std::string("bob")) == static_cast<size_t>(table_hash("bob")));
}

TEST_CASE("ids that collide in the low bits of the unkeyed hash spread under table_hash") {
  // Ids whose FNV-1a hashes share their low 10 bits: one home slot of a
  // 1,024-bucket table for stable_hash, many for table_hash.
  std::set<uint64_t> homes;
  int found = 0;
  for (int i = 0; found < 64 && i < 10000000; ++i) {
    auto id = "id" + std::to_string(i);
    if ((stable_hash(id) & 1023) != 0)
      continue;
    ++found;
    homes.insert(table_hash(id) & 1023);
  }
  REQUIRE(found == 64);
  CHECK(homes.size() > 50);
}
