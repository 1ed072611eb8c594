#include <catch2/catch.hpp>
#include <string>

#include "core/util/name_index.hpp"

using namespace persona;

TEST_CASE("name_index: ids are dense and stable, names readable by id") {
  name_index names;
  CHECK(names.find("x") == name_index::npos);
  auto a = names.intern("a"), b = names.intern("b");
  CHECK(a == 0);
  CHECK(b == 1);
  CHECK(names.intern("a") == a);
  CHECK(names.size() == 2);
  CHECK(names.name(b) == "b");
  for (int i = 0; i < 10000; ++i)
    names.intern("n" + std::to_string(i));
  CHECK(names.name(names.find("n9999")) == "n9999");
  CHECK(names.name(a) == "a");
}
