#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/util/status.hpp"

using namespace persona;

TEST_CASE("every error code has its protocol name and parses back") {
  const std::vector<std::pair<error_code, std::string>> names = {
      {error_code::ok, "ok"},
      {error_code::bad_request, "bad_request"},
      {error_code::unknown_method, "unknown_method"},
      {error_code::unauthenticated, "unauthenticated"},
      {error_code::forbidden, "forbidden"},
      {error_code::not_found, "not_found"},
      {error_code::overloaded, "overloaded"},
      {error_code::unavailable, "unavailable"},
      {error_code::timeout, "timeout"},
      {error_code::too_large, "too_large"},
      {error_code::internal, "internal"},
  };
  for (auto& [code, name] : names) {
    CHECK(to_string(code) == name);
    CHECK(error_code_from_string(name) == code);
  }
  CHECK_FALSE(error_code_from_string("Bad_Request"));
  CHECK_FALSE(error_code_from_string(""));
  // A code from outside the enum reads as internal.
  CHECK(std::string(to_string(static_cast<error_code>(200))) == "internal");
}

TEST_CASE("a status is ok by default, or a code with its message") {
  status fine;
  CHECK(fine.ok());
  CHECK(fine.code() == error_code::ok);
  CHECK(fine.message().empty());
  CHECK(fine.to_string() == "ok");
  CHECK(status::ok_status().ok());

  status bad{error_code::not_found, "no user 'x'"};
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == error_code::not_found);
  CHECK(bad.message() == "no user 'x'");
  CHECK(bad.to_string() == "not_found: no user 'x'");
}

TEST_CASE("a result holds a value or the status that explains its absence") {
  result<std::string> good{std::string("value")};
  REQUIRE(good.ok());
  CHECK(*good == "value");
  CHECK(good->size() == 5);
  CHECK(good.value() == "value");
  CHECK(good.error().ok());
  good.value() += "!";
  CHECK(*good == "value!");

  result<std::string> bad{status{error_code::bad_request, "options.limit must be an integer"}};
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().code() == error_code::bad_request);
  CHECK(bad.error().message() == "options.limit must be an integer");
}
