#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/util/command_line.hpp"

using namespace persona;

namespace {

/// argv for `args`, the program's name first.
struct arguments {
  std::vector<std::string> text;
  std::vector<char*> argv;
  explicit arguments(std::vector<std::string> args) : text(std::move(args)) {
    text.insert(text.begin(), "program");
    for (auto& a : text)
      argv.push_back(a.data());
  }
  int argc() const { return static_cast<int>(argv.size()); }
};

}  // namespace

TEST_CASE("unknown_flag names the first argument that is not a flag the program takes") {
  arguments ok({"--users=10", "--quiet", "--seed=3"});
  CHECK(unknown_flag(ok.argc(), ok.argv.data(), "users seed", "quiet help").empty());
  arguments none({});
  CHECK(unknown_flag(none.argc(), none.argv.data(), "users", "").empty());

  arguments typo({"--users=10", "--user=5", "--bogus"});
  CHECK(unknown_flag(typo.argc(), typo.argv.data(), "users", "quiet") ==
        "unknown argument '--user=5'; see --help for the flags this program takes");
  // A valued flag given bare, a bare flag given a value, or no dashes.
  arguments bare({"--users"});
  CHECK_FALSE(unknown_flag(bare.argc(), bare.argv.data(), "users", "quiet").empty());
  arguments valued({"--quiet=yes"});
  CHECK_FALSE(unknown_flag(valued.argc(), valued.argv.data(), "users", "quiet").empty());
  arguments plain({"users=10"});
  CHECK(unknown_flag(plain.argc(), plain.argv.data(), "users", "") ==
        "unknown argument 'users=10'; see --help for the flags this program takes");
}

TEST_CASE("a flag's value is its last --name=, or the fallback") {
  arguments a({"--users=10", "--rate=2.5", "--name=first", "--users=20", "--name=", "--help"});
  CHECK(flag_value(a.argc(), a.argv.data(), "users", 7) == 20);
  CHECK(flag_value(a.argc(), a.argv.data(), "items", 7) == 7);
  CHECK(flag_real(a.argc(), a.argv.data(), "rate", 1.0) == 2.5);
  CHECK(flag_real(a.argc(), a.argv.data(), "ratio", 1.0) == 1.0);
  CHECK(flag_text(a.argc(), a.argv.data(), "name", "x").empty());
  CHECK(flag_text(a.argc(), a.argv.data(), "mode", "fast") == "fast");
  CHECK(std::string(last_flag(a.argc(), a.argv.data(), "users")) == "20");
  CHECK(last_flag(a.argc(), a.argv.data(), "user") == nullptr);  // a prefix of users
  CHECK(has_flag(a.argc(), a.argv.data(), "--help"));
  CHECK_FALSE(has_flag(a.argc(), a.argv.data(), "--users"));
  arguments big({"--events=18446744073709551615", "--small=1e-3"});
  CHECK(flag_value(big.argc(), big.argv.data(), "events", 0) == UINT64_MAX);
  CHECK(flag_real(big.argc(), big.argv.data(), "small", 0) == 0.001);
}
