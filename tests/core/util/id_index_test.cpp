#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/util/id_index.hpp"
#include "core/util/stable_hash.hpp"

using namespace persona;

namespace {

/// An id_index over ids kept in a vector (slot -> id), as the profile slab
/// keeps them, checked against a std::unordered_map.
struct checked_index {
  id_index index;
  std::vector<std::string> ids;  // by slot; "" for a freed slot
  std::unordered_map<std::string, uint32_t> truth;

  uint32_t find(const std::string& id) const {
    return index.find(id, stable_hash(id), [&](uint32_t slot) -> const std::string& { return ids[slot]; });
  }
  void insert(const std::string& id) {
    auto slot = static_cast<uint32_t>(ids.size());
    ids.push_back(id);
    index.insert(stable_hash(id), slot);
    truth[id] = slot;
  }
  void erase(const std::string& id) {
    auto it = truth.find(id);
    REQUIRE(it != truth.end());
    CHECK(index.erase(stable_hash(id), it->second));
    ids[it->second].clear();
    truth.erase(it);
  }
};

}  // namespace

TEST_CASE("the id index grows a few buckets at a time and answers exactly throughout") {
  checked_index c;
  std::mt19937 rng(3);
  bool saw_migration = false;
  size_t changes_while_migrating = 0;
  for (int step = 0; step < 60000; ++step) {
    std::string id = "u" + std::to_string(rng() % 40000);
    bool present = c.truth.count(id) > 0;
    if (!present)
      c.insert(id);
    else if (rng() % 3 == 0)
      c.erase(id);
    if (c.index.migrating()) {
      saw_migration = true;
      ++changes_while_migrating;
    }
    CHECK(c.index.size() == c.truth.size());
    // Every id the truth holds is found at its slot; a sample of absent ones is not.
    if (step % 997 == 0 || c.index.migrating()) {
      for (int k = 0; k < 8; ++k) {
        std::string probe = "u" + std::to_string(rng() % 40000);
        auto it = c.truth.find(probe);
        CHECK(c.find(probe) == (it == c.truth.end() ? id_index::npos : it->second));
      }
      if (!present)
        CHECK(c.find(id) == c.truth[id]);
    }
  }
  for (auto& [id, slot] : c.truth)
    REQUIRE(c.find(id) == slot);
  CHECK(saw_migration);
  // Growth is spread over many changes, not done in one.
  CHECK(changes_while_migrating > 100);
}

TEST_CASE("reserve makes room at once, with no growth left under way") {
  checked_index c;
  for (int i = 0; i < 1000; ++i)
    c.insert("u" + std::to_string(i));
  c.index.reserve(100000);
  CHECK_FALSE(c.index.migrating());
  CHECK(c.index.memory_bytes() >= 100000 * 16);
  for (int i = 0; i < 1000; ++i)
    CHECK(c.find("u" + std::to_string(i)) == static_cast<uint32_t>(i));
  CHECK(c.find("u1000") == id_index::npos);
}

TEST_CASE("absent ids are answered npos at every step of a growth, up to its last bucket") {
  checked_index c;
  size_t growths = 0, steps = 0;
  for (int next = 0; next < 200000; ++next) {
    bool was_migrating = c.index.migrating();
    c.insert("u" + std::to_string(next));
    if (!c.index.migrating())
      continue;
    growths += was_migrating ? 0 : 1;
    ++steps;
    // Probes that start anywhere in the old table, moved part or not, end.
    for (int k = 0; k < 64; ++k)
      REQUIRE(c.find("absent" + std::to_string(steps * 64 + k)) == id_index::npos);
  }
  CHECK(growths >= 10);
  for (auto& [id, slot] : c.truth)
    REQUIRE(c.find(id) == slot);
}
