#include "net/tls_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/os/secret_file.hpp"

namespace persona::net {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites with forward secrecy and an AEAD cipher (TLS 1.3 has
// only such suites, and OpenSSL's defaults for it are kept).
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

/// TLS 1.2 at least, strong suites only, no compression or renegotiation.
status apply_policy(ssl::context& ctx) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                  ssl::context::single_dh_use);
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1)
    return {error_code::internal, "this OpenSSL does not offer TLS 1.2 with ECDHE and AES-GCM"};
  return {};
}

/// Loads a certificate chain and its private key (read as a secret file).
status load_identity(ssl::context& ctx, const std::string& cert_file, const std::string& key_file,
                     const std::string& cert_flag, const std::string& key_flag) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert_file, ec);
  if (ec)
    return bad(cert_flag + "=" + cert_file + ": cannot load a PEM certificate chain (" + tls_error_text(ec) +
               ")");
  auto key = read_secret_file(key_file, 1);
  if (!key.ok())
    return bad(key_flag + ": " + key.error().message());
  ctx.use_private_key(boost::asio::buffer(*key), ssl::context::pem, ec);
  if (ec)
    return bad(key_flag + "=" + key_file + ": cannot load a PEM private key (" + tls_error_text(ec) + ")");
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return bad(key_flag + "=" + key_file + " is not the key of the certificate in " + cert_flag + "=" +
               cert_file);
  return {};
}

}  // namespace

std::string tls_error_text(const boost::system::error_code& ec) {
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason)
      return reason;
  }
  return ec.message();
}

result<std::shared_ptr<ssl::context>> make_server_tls(const std::string& cert_file,
                                                      const std::string& key_file,
                                                      const std::string& ca_file) {
  if (cert_file.empty() || key_file.empty())
    return bad("TLS needs both --tls-cert and --tls-key");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  if (auto st = apply_policy(*ctx); !st.ok())
    return st;
  if (auto st = load_identity(*ctx, cert_file, key_file, "--tls-cert", "--tls-key"); !st.ok())
    return st;
  if (!ca_file.empty()) {
    boost::system::error_code ec;
    ctx->load_verify_file(ca_file, ec);
    if (ec)
      return bad("--tls-ca=" + ca_file + ": cannot load PEM CA certificates (" + tls_error_text(ec) + ")");
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    // The CA's name, sent to clients choosing which certificate to present.
    if (auto* names = SSL_load_client_CA_file(ca_file.c_str()))
      SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  return ctx;
}

result<std::shared_ptr<ssl::context>> make_client_tls(const client_tls_options& opts) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (auto st = apply_policy(*ctx); !st.ok())
    return st;
  boost::system::error_code ec;
  ctx->load_verify_file(opts.ca_file, ec);
  if (ec)
    return bad("--tls-ca=" + opts.ca_file + ": cannot load PEM CA certificates (" + tls_error_text(ec) + ")");
  ctx->set_verify_mode(ssl::verify_peer);
  if (opts.cert_file.empty() != opts.key_file.empty())
    return bad("a client certificate needs both --tls-cert and --tls-key");
  if (!opts.cert_file.empty())
    if (auto st = load_identity(*ctx, opts.cert_file, opts.key_file, "--tls-cert", "--tls-key"); !st.ok())
      return st;
  return ctx;
}

std::string peer_common_name(ssl::stream<boost::asio::ip::tcp::socket>& stream) {
  X509* cert = SSL_get1_peer_certificate(stream.native_handle());
  if (!cert)
    return {};
  std::string cn;
  X509_NAME* subject = X509_get_subject_name(cert);
  int at = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
  if (at >= 0) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n > 0)
      cn.assign(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  X509_free(cert);
  return cn;
}

}  // namespace persona::net
