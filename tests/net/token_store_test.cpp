// The token store: hashed tokens with names and roles, the token file's
// format, and the file's mode.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "net/node_config.hpp"
#include "net/token_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::net;
using namespace persona::test;

TEST_CASE("a stored token is found with its name and roles, any other is not") {
  token_store store;
  REQUIRE(store.add("feed", "feed-0123456789abcdef", role_ingest).ok());
  REQUIRE(store.add("ops", "ops-0123456789abcdef!", all_roles).ok());
  auto feed = store.find("feed-0123456789abcdef");
  REQUIRE(feed);
  CHECK(feed->name == "feed");
  CHECK(feed->roles == role_ingest);
  CHECK(store.find("ops-0123456789abcdef!")->name == "ops");
  CHECK_FALSE(store.find("feed-0123456789abcde"));
  CHECK_FALSE(store.find("feed-0123456789abcdeF"));
  CHECK_FALSE(store.find(""));
  CHECK(store.size() == 2);
}

TEST_CASE("short, duplicate or roleless tokens are refused without quoting the token") {
  token_store store;
  auto short_one = store.add("feed", "fifteen-bytes!!", role_ingest);
  REQUIRE_FALSE(short_one.ok());
  CHECK(short_one.message().find("at least 16") != std::string::npos);
  CHECK(short_one.message().find("fifteen") == std::string::npos);
  REQUIRE(store.add("feed", "feed-0123456789abcdef", role_ingest).ok());
  CHECK_FALSE(store.add("feed", "other-0123456789abcdef", role_ingest).ok());
  auto same = store.add("copy", "feed-0123456789abcdef", role_query);
  REQUIRE_FALSE(same.ok());
  CHECK(same.message().find("are the same") != std::string::npos);
  CHECK_FALSE(store.add("none", "none-0123456789abcdef", 0).ok());
  CHECK_FALSE(store.add("bad name", "name-0123456789abcdef", role_query).ok());
  CHECK(store.size() == 1);
}

TEST_CASE("a token file gives each line's name, roles and token, and names the bad line") {
  token_store store;
  REQUIRE(store
              .add_file_text("tokens",
                             "# name roles token\n\nfeed ingest feed-0123456789abcdef\n"
                             "  dash\tquery,ingest   dash-0123456789abcdef\r\n")
              .ok());
  CHECK(store.find("dash-0123456789abcdef")->roles == (role_query | role_ingest));
  CHECK(store.find("feed-0123456789abcdef")->name == "feed");
  token_store bad;
  auto st = bad.add_file_text("tokens", "feed ingest feed-0123456789abcdef\nops root ops-0123456789abcdef\n");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("tokens:2: roles 'root'", 0) == 0);
  CHECK(bad.empty());  // nothing added when a line is bad
  CHECK(bad.add_file_text("tokens", "feed ingest short\n").message().rfind("tokens:1: ", 0) == 0);
  CHECK(bad.add_file_text("tokens", "feed ingest a b\n").message().find("NAME ROLES TOKEN") !=
        std::string::npos);
  CHECK(bad.add_file_text("tokens", "# only a comment\n").message().find("holds no token") !=
        std::string::npos);
}

TEST_CASE("the token file is read only when no one else may read it") {
  temp_directory dir;
  auto path = dir.path() + "/tokens";
  {
    std::ofstream out(path);
    out << "feed ingest feed-0123456789abcdef\nops admin ops-0123456789abcdef!\n";
  }
  std::string flag = "--token-file=" + path;
  std::vector<char*> argv = {const_cast<char*>("personad"), flag.data()};
  bool help = false;
  chmod(path.c_str(), 0644);
  auto open = node_config::parse(2, argv.data(), help);
  REQUIRE_FALSE(open.ok());
  CHECK(open.error().message().rfind("--token-file: ", 0) == 0);
  chmod(path.c_str(), 0600);
  auto ok = node_config::parse(2, argv.data(), help);
  REQUIRE(ok.ok());
  CHECK(ok->tokens.size() == 2);
  CHECK(ok->tokens.find("ops-0123456789abcdef!")->roles == all_roles);
  CHECK(ok->command_line_tokens == 0);
}
