// The node's keys: a hash key from a file or made once in the data
// directory, an encryption key of 32 bytes or 64 hex digits.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "net/node_keys.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::net;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

std::string owner_only_file(const std::string& dir, const std::string& bytes) {
  auto path = dir + "/key";
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path;
}

}  // namespace

TEST_CASE("without a key file the hash key is made once in the data directory and kept") {
  temp_directory parent;
  node_config cfg;
  cfg.data_dir = parent.path() + "/data";
  std::string origin;
  auto first = load_node_hash_key(cfg, origin);
  REQUIRE(first.ok());
  CHECK(origin.find("made now") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(default_hash_key_path(cfg.data_dir).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(cfg.data_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  auto second = load_node_hash_key(cfg, origin);
  REQUIRE(second.ok());
  CHECK(origin == default_hash_key_path(cfg.data_dir));
  CHECK(second->k0 == first->k0);
  CHECK(second->k1 == first->k1);
  CHECK_FALSE(first->is_zero());
}

TEST_CASE("a memory-only node draws a random hash key per start") {
  node_config cfg;
  cfg.data_dir.clear();
  auto a = load_node_hash_key(cfg);
  auto b = load_node_hash_key(cfg);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((a->k0 != b->k0 || a->k1 != b->k1));
}

TEST_CASE("a hash key file shorter than 16 bytes is refused") {
  temp_directory dir;
  node_config cfg;
  cfg.hash_key_file = owner_only_file(dir.path(), "short");
  auto k = load_node_hash_key(cfg);
  REQUIRE_FALSE(k.ok());
  CHECK(k.error().message().find("--hash-key-file") != std::string::npos);
}

TEST_CASE("an encryption key is 32 raw bytes or 64 hex digits, nothing else") {
  temp_directory dir;
  node_config cfg;
  SECTION("none") {
    CHECK(load_node_encrypt_key(cfg)->empty());
  }
  SECTION("raw") {
    cfg.encrypt_key_file = owner_only_file(dir.path(), std::string(32, '\x07'));
    CHECK(*load_node_encrypt_key(cfg) == std::string(32, '\x07'));
  }
  SECTION("hex, with a newline") {
    cfg.encrypt_key_file = owner_only_file(dir.path(), std::string(64, 'f') + "\n");
    CHECK(*load_node_encrypt_key(cfg) == std::string(32, '\xff'));
  }
  SECTION("another length") {
    cfg.encrypt_key_file = owner_only_file(dir.path(), std::string(40, 'a'));
    auto k = load_node_encrypt_key(cfg);
    REQUIRE_FALSE(k.ok());
    CHECK(k.error().message().find("openssl rand -hex 32") != std::string::npos);
  }
  SECTION("64 bytes that are not hex") {
    cfg.encrypt_key_file = owner_only_file(dir.path(), std::string(64, 'z'));
    CHECK_FALSE(load_node_encrypt_key(cfg).ok());
  }
}
