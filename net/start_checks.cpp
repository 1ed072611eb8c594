#include "net/start_checks.hpp"

#include <boost/asio/ip/address.hpp>

namespace persona::net {

namespace {

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

}  // namespace

bool is_loopback_bind(const std::string& bind) {
  if (bind == "localhost")
    return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(bind, ec);
  if (ec)
    return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return address.to_v6().to_v4().is_loopback();
  return address.is_loopback();
}

status check_start_settings(const node_config& cfg, std::string& warning) {
  warning.clear();
  if (cfg.tls_cert.empty() != cfg.tls_key.empty())
    return bad(cfg.tls_cert.empty() ? "--tls-key needs --tls-cert (the certificate the key belongs to)"
                                    : "--tls-cert needs --tls-key (the certificate's private key)");
  if (!cfg.tls_ca.empty() && !cfg.tls())
    return bad("--tls-ca needs --tls-cert and --tls-key: client certificates are checked only over TLS");
  if (!cfg.tls_client_roles.empty() && cfg.tls_ca.empty())
    return bad("--tls-client-roles needs --tls-ca (the CA whose client certificates it maps to roles)");
  if (is_loopback_bind(cfg.bind))
    return {};
  bool authenticated = !cfg.tokens.empty() || !cfg.tls_ca.empty();
  std::string lacks, add;
  if (!cfg.tls()) {
    lacks = "no TLS (requests, replies and tokens would cross the network in clear)";
    add = "--tls-cert and --tls-key";
  }
  if (!authenticated) {
    lacks += std::string(lacks.empty() ? "" : " and ") +
             "no authentication (anyone who reaches it would have every role)";
    add += std::string(add.empty() ? "" : ", and ") + "--token-file (or client certificates with --tls-ca)";
  }
  if (lacks.empty())
    return {};
  std::string exposed =
      "--bind=" + cfg.bind + " is reachable from other machines, but this node has " + lacks;
  if (!cfg.insecure)
    return bad(exposed + ". Add " + add +
               "; or bind a loopback address (--bind=127.0.0.1); or accept the risk with --insecure");
  warning = exposed + "; started anyway (--insecure)";
  return {};
}

}  // namespace persona::net
