// TLS between the C++ client and an in-process node, with a throwaway CA
// and certificates made by tests/net/make_test_certs.sh.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A directory with the test PKI; removed with it.
struct test_pki {
  temp_directory dir;
  test_pki() {
    auto command = std::string(PERSONA_SOURCE_DIR) + "/tests/net/make_test_certs.sh " + dir.path();
    REQUIRE(std::system(command.c_str()) == 0);
  }
  std::string file(const std::string& name) const { return dir.path() + "/" + name; }
};

net::node_config tls_config(const test_pki& pki, bool client_certificates) {
  net::node_config cfg;
  cfg.tls_cert = pki.file("server.pem");
  cfg.tls_key = pki.file("server.key");
  if (client_certificates) {
    cfg.tls_ca = pki.file("ca.pem");
    cfg.tls_client_roles["feeder"] = net::role_ingest | net::role_query;
  }
  return cfg;
}

value no_params() {
  return value{value::array{}};
}

}  // namespace

TEST_CASE("the C++ client speaks TLS: calls from many threads are each answered once") {
  test_pki pki;
  test_node node(tls_config(pki, false));
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port(), std::chrono::seconds(5), {pki.file("ca.pem"), "", ""}).ok());
  const int threads = 4, calls = 100;
  std::atomic<int> right{0}, answered{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < threads; ++t)
    senders.emplace_back([&, t] {
      for (int k = 0; k < calls; ++k) {
        std::vector<value> events;
        for (int e = 0; e < 50; ++e)
          events.push_back(
              view("t" + std::to_string(t) + "u" + std::to_string(e), "i" + std::to_string(k), t0 + k));
        c.call("ingest", events_of(events), [&](result<value> r) {
          if (r.ok() && r->find("accepted")->as_int() == 50)
            ++right;
          ++answered;
        });
      }
    });
  for (auto& t : senders)
    t.join();
  for (int i = 0; i < 3000 && answered < threads * calls; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(answered == threads * calls);
  CHECK(right == threads * calls);
  auto profile = c.call_sync("get_profile", value{value::array{value{"t0u0"}}});
  REQUIRE(profile.ok());
  CHECK(profile->find("counts")->find("view")->as_int() == calls);
}

TEST_CASE("a TLS node refuses plain TCP and clients that do not trust its certificate") {
  test_pki pki;
  test_node node(tls_config(pki, false));
  net::client plain;
  REQUIRE(plain.connect("127.0.0.1", node.port()).ok());
  auto r = plain.call_sync("ping", no_params(), std::chrono::seconds(10));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::unavailable);

  net::client wrong_ca;
  auto st =
      wrong_ca.connect("127.0.0.1", node.port(), std::chrono::seconds(5), {pki.file("other-ca.pem"), "", ""});
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("certificate verify failed") != std::string::npos);
  // The node counts the refusals once it has seen them close.
  for (int i = 0; i < 1000 && node.srv->counters().tls_handshake_failures < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(node.srv->counters().tls_handshake_failures == 2);
}

TEST_CASE("a client certificate's CN grants the roles mapped to it, and no other") {
  test_pki pki;
  test_node node(tls_config(pki, true));
  net::client feeder;
  REQUIRE(feeder
              .connect("127.0.0.1", node.port(), std::chrono::seconds(5),
                       {pki.file("ca.pem"), pki.file("client-feeder.pem"), pki.file("client-feeder.key")})
              .ok());
  auto hello = feeder.call_sync("hello", value{value::array{value{value::map{}}}});
  REQUIRE(hello.ok());
  auto& roles = hello->find("roles")->as_array();
  REQUIRE(roles.size() == 2);
  CHECK(roles[0].as_string() == "ingest");
  CHECK(roles[1].as_string() == "query");
  CHECK(feeder.call_sync("ingest", events_of({view("u1", "i1", t0)})).ok());
  auto snapshot = feeder.call_sync("snapshot", no_params());
  REQUIRE_FALSE(snapshot.ok());
  CHECK(snapshot.error().code() == error_code::forbidden);

  net::client stranger;
  REQUIRE(stranger
              .connect("127.0.0.1", node.port(), std::chrono::seconds(5),
                       {pki.file("ca.pem"), pki.file("client-stranger.pem"), pki.file("client-stranger.key")})
              .ok());
  auto ingest = stranger.call_sync("ingest", events_of({view("u2", "i1", t0)}));
  REQUIRE_FALSE(ingest.ok());
  CHECK(ingest.error().code() == error_code::forbidden);

  // Without a certificate the handshake fails (TLS 1.3: the client learns
  // it on its first read).
  net::client anonymous;
  auto st =
      anonymous.connect("127.0.0.1", node.port(), std::chrono::seconds(5), {pki.file("ca.pem"), "", ""});
  if (st.ok())
    CHECK_FALSE(anonymous.call_sync("ping", no_params(), std::chrono::seconds(10)).ok());
}
