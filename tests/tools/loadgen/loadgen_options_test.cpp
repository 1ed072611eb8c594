#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tools/loadgen/loadgen_options.hpp"

using namespace persona;
using namespace persona::loadgen;

namespace {

result<loadgen_options> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "persona-loadgen");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  bool help = false;
  return loadgen_options::parse(static_cast<int>(argv.size()), argv.data(), help);
}

}  // namespace

TEST_CASE("flags take --name=value and --name value, defaults stand otherwise") {
  auto o = parse({"--mix", "ingest=90,get_profile=8,query=2", "--connections=4", "--seed", "9"});
  REQUIRE(o.ok());
  CHECK(o->mix[0] == 90);
  CHECK(o->mix[1] == 8);
  CHECK(o->mix[2] == 2);
  CHECK(o->connections == 4);
  CHECK(o->simulation.seed == 9);
  CHECK(o->batch == 500);
  CHECK_FALSE(o->open_loop());
}

TEST_CASE("an event rate sets the request rate from the mix and the batch size") {
  auto o = parse({"--event-rate=90000", "--mix=ingest=90,get_profile=10", "--batch=100"});
  REQUIRE(o.ok());
  CHECK(o->open_loop());
  // 900 ingest requests a second are 90% of 1000 requests.
  CHECK(o->rate == Approx(1000));
}

TEST_CASE("bad flags are refused with a message naming the flag") {
  auto check = [](std::vector<std::string> args, const std::string& needle) {
    auto o = parse(args);
    REQUIRE_FALSE(o.ok());
    CHECK(o.error().message().find(needle) != std::string::npos);
  };
  check({"--mix=ingest=x"}, "--mix");
  check({"--mix=reads=5"}, "unknown operation 'reads'");
  check({"--mix=ingest=0"}, "above 0");
  check({"--connections=0"}, "--connections");
  check({"--batch=abc"}, "--batch");
  check({"--bogus=1"}, "unknown flag --bogus");
  check({"positional"}, "unexpected argument");
  check({"--target=mysql"}, "--target");
  check({"--mix=get_profile=100"}, "--duration");
  check({"--target=redis", "--mix=ingest=50,query=50"}, "ingest baseline only");
  check({"--target=redis", "--verify"}, "--verify");
  check({"--verify=yes"}, "takes no value");
  check({"--duration=10", "--warmup=10"}, "--warmup");
  check({"--target=redis", "--warmup=5"}, "ingest baseline only");
}

TEST_CASE("the Redis target defaults to Redis's port") {
  auto o = parse({"--target=redis"});
  REQUIRE(o.ok());
  CHECK(o->port == 6379);
  auto p = parse({"--target=redis", "--port=7000"});
  REQUIRE(p.ok());
  CHECK(p->port == 7000);
}
