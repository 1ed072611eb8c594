#include <catch2/catch.hpp>
#include <string>

#include "core/profile/attributes.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

std::string error_of(const value& attrs, size_t cap = 64) {
  auto s = validate_attributes(attrs, cap);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == error_code::bad_request);
  return s.message();
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("attributes are names of 1 to 256 bytes with a string, number, bool or nil") {
  CHECK(validate_attributes(map_of({{"age", value{34}},
                                    {"score", value{0.5}},
                                    {"city", value{"Berlin"}},
                                    {"vip", value{false}},
                                    {"old", value{}},
                                    {std::string(256, 'n'), value{std::string(4096, 'v')}}}),
                            64)
            .ok());
  CHECK(validate_attributes(value{value::map{}}, 64).ok());

  CHECK(mentions(error_of(value{"age"}), "must be a map"));
  CHECK(mentions(error_of(map_of({{"", value{1}}})), "1 to 256 bytes"));
  CHECK(mentions(error_of(map_of({{std::string(257, 'n'), value{1}}})), "1 to 256 bytes"));
  CHECK(mentions(error_of(map_of({{"bio", value{std::string(4097, 'v')}}})), "attributes.bio"));
  CHECK(mentions(error_of(map_of({{"tags", value{value::array{}}}})), "attributes.tags"));
  CHECK(mentions(error_of(map_of({{"address", value{value::map{}}}})), "attributes.address"));
  CHECK(mentions(error_of(map_of({{"a", value{1}}, {"b", value{2}}, {"c", value{3}}}), 2), "at most 2"));
}

TEST_CASE("applying attributes sets, replaces and deletes, keeping the order they were first set in") {
  symbol_table symbols;
  profile p;
  REQUIRE(apply_attributes(p, map_of({{"age", value{34}}, {"city", value{"Berlin"}}}), symbols, 64).ok());
  REQUIRE(p.attributes.size() == 2);
  CHECK(symbols.name(p.attributes[0].first) == "age");
  CHECK(p.attributes[0].second == value{34});
  CHECK(symbols.name(p.attributes[1].first) == "city");

  REQUIRE(
      apply_attributes(p, map_of({{"age", value{35}}, {"vip", value{true}}, {"city", value{}}}), symbols, 64)
          .ok());
  REQUIRE(p.attributes.size() == 2);
  CHECK(symbols.name(p.attributes[0].first) == "age");
  CHECK(p.attributes[0].second == value{35});
  CHECK(symbols.name(p.attributes[1].first) == "vip");
  CHECK(p.attributes[1].second == value{true});

  // Deleting what is not there changes nothing.
  REQUIRE(apply_attributes(p, map_of({{"height", value{}}}), symbols, 64).ok());
  CHECK(p.attributes.size() == 2);
}

TEST_CASE("attributes past a profile's cap are refused, and the profile is left as it was") {
  symbol_table symbols;
  profile p;
  REQUIRE(apply_attributes(p, map_of({{"a", value{1}}, {"b", value{2}}}), symbols, 3).ok());
  auto refused =
      apply_attributes(p, map_of({{"a", value{10}}, {"c", value{3}}, {"d", value{4}}}), symbols, 3);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == error_code::bad_request);
  CHECK(mentions(refused.message(), "at most 3"));
  REQUIRE(p.attributes.size() == 2);
  CHECK(p.attributes[0].second == value{1});
  // Deleting one in the same map makes room.
  CHECK(apply_attributes(p, map_of({{"a", value{}}, {"c", value{3}}, {"d", value{4}}}), symbols, 3).ok());
  CHECK(p.attributes.size() == 3);
  // Replacing a held one needs no room.
  CHECK(apply_attributes(p, map_of({{"b", value{20}}}), symbols, 3).ok());
  CHECK(p.attributes.size() == 3);
}
