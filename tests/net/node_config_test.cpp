#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "net/node_config.hpp"

using namespace persona;
using namespace persona::net;

namespace {

result<node_config> parse(std::vector<std::string> args, bool& help) {
  std::vector<char*> argv{const_cast<char*>("personad")};
  for (auto& a : args)
    argv.push_back(a.data());
  return node_config::parse(static_cast<int>(argv.size()), argv.data(), help);
}

}  // namespace

TEST_CASE("settings have documented defaults and flags override them") {
  bool help = false;
  auto c = parse({}, help);
  REQUIRE(c.ok());
  CHECK(c->port == 7400);
  CHECK(c->bind == "127.0.0.1");
  CHECK(c->max_message_bytes == 16u << 20);
  CHECK(c->shard_slice_events == 64);
  CHECK(c->propensity_census_share == 0.02);
  CHECK(c->memory_reserve_mb == 65536);
  CHECK(c->memory_warm_ahead_mb == 256);
  CHECK_FALSE(c->memory_return_freed);
  CHECK(c->model_max_waiting_signals == 1000000);
  CHECK_FALSE(c->batch_worker_threads);
  auto d = parse({"--port=9000", "--shards=3", "--token=s3cret-0123456789abcdef:ingest,query",
                  "--shard-slice-events=16"},
                 help);
  REQUIRE(d.ok());
  CHECK(d->port == 9000);
  CHECK(d->shards == 3);
  CHECK(d->shard_slice_events == 16);
  CHECK_FALSE(d->batch_worker_threads);
  auto e = parse({"--worker-scheduling=batch", "--propensity-census-share=0", "--memory-reserve-mb=0",
                  "--memory-warm-ahead-mb=64", "--memory-return-freed=on", "--model-max-waiting-signals=0"},
                 help);
  REQUIRE(e.ok());
  CHECK(e->memory_reserve_mb == 0);
  CHECK(e->memory_warm_ahead_mb == 64);
  CHECK(e->memory_return_freed);
  CHECK(e->model_max_waiting_signals == 0);
  CHECK(e->batch_worker_threads);
  CHECK(e->propensity_census_share == 0);
  REQUIRE(d->tokens.find("s3cret-0123456789abcdef"));
  CHECK(d->tokens.find("s3cret-0123456789abcdef")->roles == (role_ingest | role_query));
  CHECK(d->tokens.find("s3cret-0123456789abcdef")->name == "command-line-1");
  CHECK(d->command_line_tokens == 1);
  parse({"--help"}, help);
  CHECK(help);
  for (auto name : {"port", "bind", "data-dir", "shards", "max-message-bytes", "max-connections", "token"})
    CHECK(node_config::help_text().find(std::string("--") + name + "=") != std::string::npos);
}

TEST_CASE("a config file is read and flags win over it") {
  std::string path = "/tmp/persona_node_config_test_" + std::to_string(getpid()) + ".ini";
  {
    std::ofstream out(path);
    out << "# a comment\nport = 7500\nnode-name = edge-1\n\nmax-connections = 10\n";
  }
  bool help = false;
  auto c = parse({"--config=" + path, "--port=7600"}, help);
  REQUIRE(c.ok());
  CHECK(c->port == 7600);
  CHECK(c->node_name == "edge-1");
  CHECK(c->max_connections == 10);
  {
    std::ofstream out(path);
    out << "prot = 1\n";
  }
  auto bad = parse({"--config=" + path}, help);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().find(":1:") != std::string::npos);
  CHECK(bad.error().message().find("prot") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("bad settings are refused with a message saying what is valid") {
  bool help = false;
  CHECK(parse({"--port=99999"}, help).error().message().find("--port") != std::string::npos);
  CHECK(parse({"--port=abc"}, help).error().message().find("whole number") != std::string::npos);
  CHECK(parse({"--colour=red"}, help).error().message().find("--help") != std::string::npos);
  CHECK(parse({"--token=nope"}, help).error().message().find("TOKEN:ROLES") != std::string::npos);
  CHECK(parse({"--token=x:root"}, help).error().message().find("TOKEN:ROLES") != std::string::npos);
  CHECK(parse({"stray"}, help).error().message().find("stray") != std::string::npos);
  CHECK(parse({"--shard-slice-events=0"}, help).error().message().find("at least 1") != std::string::npos);
  CHECK(parse({"--propensity-census-share=2"}, help).error().message().find("from 0 to 1") !=
        std::string::npos);
  CHECK(parse({"--propensity-sample-rate=x"}, help).error().message().find("--propensity-sample-rate") !=
        std::string::npos);
  CHECK(parse({"--worker-scheduling=fast"}, help).error().message().find("normal or batch") !=
        std::string::npos);
  CHECK(parse({"--memory-reserve-mb=1"}, help).error().message().find("at least 2") != std::string::npos);
  CHECK(parse({"--model-max-waiting-signals=-1"}, help).error().message().find("whole number") !=
        std::string::npos);
  CHECK(parse({"--memory-return-freed=yes"}, help).error().message().find("on or off") != std::string::npos);
  CHECK(parse({"--config=/nonexistent/file"}, help).error().message().find("cannot read") !=
        std::string::npos);
}
