// The start-up checks of a node's settings: TLS settings that fit
// together, and no open node on a non-loopback address.
#include <catch2/catch.hpp>

#include "net/start_checks.hpp"

using namespace persona;
using namespace persona::net;

namespace {

node_config bound_to(const std::string& bind) {
  node_config c;
  c.bind = bind;
  return c;
}

}  // namespace

TEST_CASE("loopback binds are told from the others") {
  CHECK(is_loopback_bind("127.0.0.1"));
  CHECK(is_loopback_bind("127.0.0.2"));
  CHECK(is_loopback_bind("::1"));
  CHECK(is_loopback_bind("localhost"));
  CHECK_FALSE(is_loopback_bind("0.0.0.0"));
  CHECK_FALSE(is_loopback_bind("::"));
  CHECK_FALSE(is_loopback_bind("10.1.2.3"));
  CHECK_FALSE(is_loopback_bind("not an address"));
}

TEST_CASE("a loopback node starts as before, without TLS or tokens") {
  std::string warning;
  CHECK(check_start_settings(bound_to("127.0.0.1"), warning).ok());
  CHECK(warning.empty());
}

TEST_CASE("a non-loopback node without TLS and authentication refuses to start, saying what to add") {
  std::string warning;
  auto open = bound_to("0.0.0.0");
  auto st = check_start_settings(open, warning);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("--tls-cert and --tls-key") != std::string::npos);
  CHECK(st.message().find("--token") != std::string::npos);
  CHECK(st.message().find("--insecure") != std::string::npos);

  auto tls_only = open;
  tls_only.tls_cert = "node.pem";
  tls_only.tls_key = "node.key";
  st = check_start_settings(tls_only, warning);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("no authentication") != std::string::npos);
  CHECK(st.message().find("no TLS") == std::string::npos);

  auto tokens_only = open;
  REQUIRE(tokens_only.tokens.add("ops", "a-long-enough-token", all_roles).ok());
  st = check_start_settings(tokens_only, warning);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("no TLS") != std::string::npos);

  auto both = tls_only;
  REQUIRE(both.tokens.add("ops", "a-long-enough-token", all_roles).ok());
  CHECK(check_start_settings(both, warning).ok());
  auto certificates = tls_only;
  certificates.tls_ca = "clients.pem";
  CHECK(check_start_settings(certificates, warning).ok());
  CHECK(warning.empty());
}

TEST_CASE("an open non-loopback node starts with a warning when insecure is on") {
  bool help = false;
  std::vector<std::string> args = {"personad", "--bind=0.0.0.0", "--insecure"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  auto cfg = node_config::parse(static_cast<int>(argv.size()), argv.data(), help);
  REQUIRE(cfg.ok());
  CHECK(cfg->insecure);
  std::string warning;
  CHECK(check_start_settings(*cfg, warning).ok());
  CHECK(warning.find("--insecure") != std::string::npos);
}

TEST_CASE("TLS settings that do not fit together are refused") {
  std::string warning;
  auto key_only = bound_to("127.0.0.1");
  key_only.tls_key = "node.key";
  CHECK(check_start_settings(key_only, warning).message().find("--tls-key needs --tls-cert") !=
        std::string::npos);
  auto ca_only = bound_to("127.0.0.1");
  ca_only.tls_ca = "clients.pem";
  CHECK_FALSE(check_start_settings(ca_only, warning).ok());
  auto roles_without_ca = bound_to("127.0.0.1");
  roles_without_ca.tls_cert = "node.pem";
  roles_without_ca.tls_key = "node.key";
  roles_without_ca.tls_client_roles["feeder"] = role_ingest;
  CHECK(check_start_settings(roles_without_ca, warning).message().find("--tls-client-roles needs --tls-ca") !=
        std::string::npos);
}
