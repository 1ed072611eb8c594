#include "core/os/secret_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

using namespace persona;

namespace {

/// A file in the test's temporary directory, removed when it goes.
struct temp_secret {
  std::string path;
  temp_secret(const std::string& contents, mode_t mode) {
    char tmpl[] = "/tmp/persona-secret-XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << contents;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
  }
  ~temp_secret() { ::unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("a secret file readable only by its owner is read without its newline", "[os][secret_file]") {
  temp_secret file("0123456789abcdef-key\n", 0600);
  auto secret = read_secret_file(file.path, 16);
  REQUIRE(secret.ok());
  CHECK(secret.value() == "0123456789abcdef-key");
}

TEST_CASE("a secret file others may read is refused with the fix", "[os][secret_file]") {
  temp_secret file("0123456789abcdef-key\n", 0644);
  auto secret = read_secret_file(file.path, 16);
  REQUIRE_FALSE(secret.ok());
  CHECK(secret.error().code() == error_code::bad_request);
  CHECK(secret.error().message().find("chmod 600") != std::string::npos);
}

TEST_CASE("a short or missing secret file is refused", "[os][secret_file]") {
  temp_secret file("short\n", 0600);
  auto secret = read_secret_file(file.path, 16);
  REQUIRE_FALSE(secret.ok());
  CHECK(secret.error().message().find("at least 16") != std::string::npos);
  auto missing = read_secret_file("/nonexistent/persona-secret", 16);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message().find("/nonexistent/persona-secret") != std::string::npos);
}
