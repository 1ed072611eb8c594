// tls_context: builds the OpenSSL contexts of the node's TLS listener and of
// a TLS client from PEM files, with one policy for both: TLS 1.2 or later,
// forward-secret AEAD cipher suites only, peers verified against the CA
// given. A context is built once at start (server) or connect (client) and
// then only read by the connections that use it (OpenSSL allows that from
// any thread). Private keys are read with read_secret_file, so a key file
// that others may read is refused.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/util/status.hpp"

namespace persona::net {

/// The TLS side of a client connection. Empty `ca_file`: no TLS.
struct client_tls_options {
  /// PEM file of the CA (or certificates) that signed the node's certificate.
  std::string ca_file;
  /// PEM client certificate and its private key (mode 0600), for a node
  /// that asks for one (--tls-ca); both empty: none is sent.
  std::string cert_file;
  std::string key_file;

  bool enabled() const { return !ca_file.empty(); }
};

/// The node's TLS context: certificate chain `cert_file`, private key
/// `key_file` (mode 0600 or 0400), and, when `ca_file` is not empty, client
/// certificates required and verified against it. Fails with a message
/// naming the file and what to fix.
result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls(const std::string& cert_file,
                                                                   const std::string& key_file,
                                                                   const std::string& ca_file);

/// A client's TLS context: the node's certificate verified against
/// `opts.ca_file`, and the client certificate sent when one is given.
result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls(const client_tls_options& opts);

/// The subject common name of the certificate the peer presented and the
/// handshake verified; empty when it presented none.
std::string peer_common_name(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream);

/// What a handshake failure says, without OpenSSL's numeric prefix.
std::string tls_error_text(const boost::system::error_code& ec);

}  // namespace persona::net
