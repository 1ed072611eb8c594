// transport: the byte stream of one connection, plain TCP or TLS over it
// (Boost.Asio's ssl::stream on OpenSSL), behind one interface so a session
// or the client does not care which. Owned by its session (or client); the
// asynchronous operations follow Asio's rules for the stream underneath:
// at most one read and one write in progress, all started from the
// connection's strand (or its single I/O thread). write_now, for replies
// written from other threads, works on plain TCP only: an SSL object must
// not be written by one thread while another reads it, so a TLS
// connection's writes all go through the strand.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <string>
#include <utility>

namespace persona::net {

class transport {
 public:
  using tcp = boost::asio::ip::tcp;
  using tls_stream = boost::asio::ssl::stream<tcp::socket>;

  /// A plain TCP connection.
  explicit transport(tcp::socket socket) : plain_(std::move(socket)) {}
  /// A plain TCP socket of `io`, not connected yet.
  explicit transport(boost::asio::io_context& io) : plain_(io) {}
  /// A TLS stream of `io`, not connected yet.
  transport(boost::asio::io_context& io, boost::asio::ssl::context& tls)
      : plain_(io), tls_(std::make_unique<tls_stream>(io, tls)) {}
  /// A TLS connection over `socket`, whose handshake is still to be made.
  transport(tcp::socket socket, boost::asio::ssl::context& tls)
      : plain_(socket.get_executor()), tls_(std::make_unique<tls_stream>(std::move(socket), tls)) {}

  /// Whether the bytes are carried by TLS.
  bool secure() const { return tls_ != nullptr; }
  /// The TCP socket underneath (options, addresses, close).
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }
  /// The TLS stream. REQUIRES: secure().
  tls_stream& tls() { return *tls_; }
  auto get_executor() { return socket().get_executor(); }

  /// Makes the TLS handshake (server or client side); on plain TCP,
  /// completes at once without error.
  template <class Handler>
  void async_handshake(boost::asio::ssl::stream_base::handshake_type side, Handler&& done) {
    if (tls_)
      return tls_->async_handshake(side, std::forward<Handler>(done));
    boost::asio::post(plain_.get_executor(),
                      [done = std::forward<Handler>(done)]() mutable { done(boost::system::error_code{}); });
  }

  template <class Buffer, class Handler>
  void async_read_some(const Buffer& buffer, Handler&& done) {
    if (tls_)
      tls_->async_read_some(buffer, std::forward<Handler>(done));
    else
      plain_.async_read_some(buffer, std::forward<Handler>(done));
  }

  /// Writes all of `buffers`.
  template <class Buffers, class Handler>
  void async_write(const Buffers& buffers, Handler&& done) {
    if (tls_)
      boost::asio::async_write(*tls_, buffers, std::forward<Handler>(done));
    else
      boost::asio::async_write(plain_, buffers, std::forward<Handler>(done));
  }

  /// Writes what the socket takes now without blocking, from any thread:
  /// the bytes written, or -1 when it would block, failed, or the
  /// connection is TLS (then nothing was written). REQUIRES: no other
  /// write in progress.
  ssize_t write_now(const char* data, size_t size) {
    if (tls_)
      return -1;
    return ::send(plain_.native_handle(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  }

  /// Shuts the connection down and closes it, without a TLS close_notify
  /// (the peer sees the TCP close).
  void close() {
    boost::system::error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }

 private:
  tcp::socket plain_;
  std::unique_ptr<tls_stream> tls_;
};

}  // namespace persona::net
