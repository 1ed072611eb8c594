#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/util/user_router.hpp"

using namespace persona;

TEST_CASE("a user's shard is the same as ever: data on disk was placed by it") {
  CHECK(shard_of("alice", 2) == 0);
  CHECK(shard_of("alice", 7) == 0);
  CHECK(shard_of("alice", 16) == 10);
  CHECK(shard_of("u1", 2) == 1);
  CHECK(shard_of("u1", 16) == 5);
  CHECK(shard_of("u2", 7) == 6);
  CHECK(shard_of("u2", 16) == 3);
  CHECK(shard_of("user-123456", 16) == 14);
  for (auto user : {"u1", "alice", "", "user-123456"}) {
    CHECK(shard_of(user, 8) < 8);
    CHECK(shard_of(user, 1) == 0);
  }
}

TEST_CASE("short sequential user ids spread evenly over the shards") {
  for (size_t shards : {2u, 4u, 6u, 16u}) {
    std::vector<int> users(shards);
    const int n = 60000;
    for (int i = 0; i < n; ++i)
      ++users[shard_of("u" + std::to_string(i), shards)];
    double fair = double(n) / shards;
    for (auto count : users) {
      CHECK(count > fair * 0.95);
      CHECK(count < fair * 1.05);
    }
  }
}
