#include "net/client.hpp"

#include <boost/asio.hpp>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/os/secret_file.hpp"
#include "core/os/thread_slice.hpp"
#include "net/frame_decoder.hpp"
#include "net/msgpack_value.hpp"
#include "net/rpc_codec.hpp"
#include "net/transport.hpp"

namespace persona::net {

namespace asio = boost::asio;

struct client::impl : std::enable_shared_from_this<client::impl> {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{asio::make_work_guard(io)};
  /// The TLS context of `stream`, which must not outlive it; null on plain TCP.
  std::shared_ptr<asio::ssl::context> tls;
  transport stream{io};
  std::thread thread;
  frame_decoder decoder{size_t{1} << 31};
  mutable std::mutex mutex;
  std::unordered_map<uint32_t, callback> waiting;
  notification_handler notified;  // guarded by mutex
  uint32_t next_id = 1;
  // Guards the write side: the queue, writing, connected, closed (and its
  // reason) and the socket's descriptor, which the calling threads write
  // to directly.
  std::mutex write_mutex;
  std::deque<std::string> queue;
  bool writing = false;  // a write is in progress or about to start
  bool connected = false;
  bool closed = false;
  /// Why the connection closed, once it has.
  std::string close_reason;

  uint32_t enlist(callback done) {
    std::lock_guard<std::mutex> lock(mutex);
    uint32_t id = next_id++;
    if (next_id == 0)
      next_id = 1;
    waiting.emplace(id, std::move(done));
    return id;
  }

  /// The callback enlisted as `id`, taken back; empty if a reply or a
  /// failure already took it.
  callback withdraw(uint32_t id) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = waiting.find(id);
    if (it == waiting.end())
      return {};
    auto done = std::move(it->second);
    waiting.erase(it);
    return done;
  }

  /// Sends request `id`; on a closed connection its callback fails at once.
  void send_request(uint32_t id, std::string bytes) {
    if (write(std::move(bytes)))
      return;
    if (auto orphan = withdraw(id))
      orphan(status{error_code::unavailable, "the connection to the node is closed; connect a new client"});
  }

  /// Sends `bytes` from the calling thread when the connection is idle (no
  /// wake-up of the I/O thread), else queues them behind what is being
  /// written. Bytes from one thread go out in the order written. Returns
  /// false, sending nothing, once the connection is closed.
  bool write(std::string bytes) {
    std::unique_lock<std::mutex> lock(write_mutex);
    if (closed)
      return false;
    if (connected && !writing && queue.empty()) {
      auto n = stream.write_now(bytes.data(), bytes.size());
      if (n > 0 && static_cast<size_t>(n) == bytes.size())
        return true;
      if (n > 0)
        bytes.erase(0, static_cast<size_t>(n));
      // Otherwise it would block, failed (the I/O thread's write reports it), or is TLS.
    }
    queue.push_back(std::move(bytes));
    if (!writing) {
      writing = true;
      asio::post(io, [self = shared_from_this()] {
        std::lock_guard<std::mutex> lock(self->write_mutex);
        if (!self->closed)
          self->start_write_locked();
      });
    }
    return true;
  }

  /// REQUIRES: write_mutex held, writing set, the queue not empty.
  void start_write_locked() {
    std::vector<asio::const_buffer> bufs;
    size_t count = std::min<size_t>(queue.size(), 64);
    for (size_t i = 0; i < count; ++i)
      bufs.emplace_back(asio::buffer(queue[i]));
    auto self = shared_from_this();
    stream.async_write(bufs, [self, count](boost::system::error_code ec, size_t) {
      {
        std::lock_guard<std::mutex> lock(self->write_mutex);
        for (size_t i = 0; i < count && !self->queue.empty(); ++i)
          self->queue.pop_front();
        if (!ec && !self->closed && !self->queue.empty())
          return self->start_write_locked();
        self->writing = false;
      }
      if (ec)
        self->fail_all("the connection to the node failed: " + ec.message());
    });
  }

  void do_read() {
    auto self = shared_from_this();
    char* buf = decoder.prepare(64 * 1024);
    stream.async_read_some(asio::buffer(buf, 64 * 1024), [self](boost::system::error_code ec, size_t n) {
      if (ec)
        return self->fail_all(ec == asio::error::eof ? "the node closed the connection"
                                                     : "the connection to the node failed: " + ec.message());
      self->decoder.commit(n);
      msgpack::object_handle oh;
      while (true) {
        auto outcome = self->decoder.next(oh);
        if (outcome == frame_decoder::outcome::need_more)
          break;
        if (outcome != frame_decoder::outcome::message)
          return self->fail_all("the node sent bytes that are not MessagePack-RPC: " +
                                self->decoder.failure());
        self->on_message(oh.get());
      }
      self->do_read();
    });
  }

  void on_message(const msgpack::object& o) {
    rpc_message m;
    std::optional<uint32_t> id;
    if (parse_message(o, m, id))
      return;
    if (m.type == rpc_message::kind::notification) {
      notification_handler handler;
      {
        std::lock_guard<std::mutex> lock(mutex);
        handler = notified;
      }
      auto params = to_value(*m.params, "params");
      if (handler && params.ok())
        handler(m.method, *params);
      return;
    }
    if (m.type != rpc_message::kind::response)
      return;
    callback done;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = waiting.find(m.msgid);
      if (it == waiting.end())
        return;
      done = std::move(it->second);
      waiting.erase(it);
    }
    if (m.error->type != msgpack::type::NIL) {
      done(status_from_error(*m.error));
      return;
    }
    auto v = to_value(*m.params, "result");
    done(v.ok() ? std::move(v) : result<value>(v.error()));
  }

  /// Closes the connection and fails every waiting call with why it
  /// closed: the first reason, whatever comes after (a read cancelled by
  /// the close is no news to a caller who closed). On the I/O thread.
  void fail_all(const std::string& why) {
    std::string reason;
    {
      std::lock_guard<std::mutex> lock(write_mutex);
      if (!closed) {
        closed = true;
        close_reason = why;
        stream.close();
      }
      reason = close_reason;
    }
    std::unordered_map<uint32_t, callback> orphans;
    {
      std::lock_guard<std::mutex> lock(mutex);
      orphans.swap(waiting);
    }
    for (auto& [id, done] : orphans)
      done(status{error_code::unavailable, reason});
  }
};

client::client() : impl_(std::make_shared<impl>()) {}

void client::on_notification(notification_handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->notified = std::move(handler);
}

client::~client() {
  close();
  // The I/O thread runs until the closed socket's aborted operations have
  // completed. Stopping it instead would leave their handlers, which hold
  // impl_, in impl_'s own io_context: a cycle that never frees it.
  impl_->work.reset();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

status client::connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                       const client_tls_options& tls) {
  auto& im = *impl_;
  if (tls.enabled()) {
    auto ctx = make_client_tls(tls);
    if (!ctx.ok())
      return ctx.error();
    im.tls = std::move(*ctx);
    im.stream = transport(im.io, *im.tls);
    boost::system::error_code not_ip;
    asio::ip::make_address(host, not_ip);
    if (not_ip)  // a name: sent for the node to pick its certificate (SNI)
      SSL_set_tlsext_host_name(im.stream.tls().native_handle(), host.c_str());
    im.stream.tls().set_verify_callback(asio::ssl::host_name_verification(host));
  }
  asio::ip::tcp::resolver resolver(im.io);
  boost::system::error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec)
    return {error_code::unavailable, "cannot resolve " + host + ": " + ec.message()};
  std::promise<boost::system::error_code> connected;
  auto fut = connected.get_future();
  bool tls_failed = false;
  asio::async_connect(
      im.stream.socket(), endpoints,
      [&connected, &tls_failed, self = impl_](boost::system::error_code e, const asio::ip::tcp::endpoint&) {
        if (e || !self->stream.secure())
          return connected.set_value(e);
        self->stream.async_handshake(asio::ssl::stream_base::client,
                                     [&connected, &tls_failed](boost::system::error_code h) {
                                       tls_failed = bool(h);
                                       connected.set_value(h);
                                     });
      });
  im.thread = std::thread([this] { impl_->io.run(); });
  if (fut.wait_for(timeout) != std::future_status::ready) {
    asio::post(im.io, [self = impl_] { self->stream.close(); });
    fut.wait();
    return {error_code::timeout, "no connection to " + host + ":" + std::to_string(port) + " within " +
                                     std::to_string(timeout.count()) + " ms"};
  }
  ec = fut.get();
  if (ec && tls_failed)
    return {error_code::unavailable, "TLS handshake with " + host + ":" + std::to_string(port) +
                                         " failed: " + tls_error_text(ec) +
                                         "; does --tls-ca hold the CA of the node's certificate, and does "
                                         "the node take TLS?"};
  if (ec)
    return {error_code::unavailable, "cannot connect to " + host + ":" + std::to_string(port) + ": " +
                                         ec.message() + "; is personad running there?"};
  {
    boost::system::error_code ignored;
    im.stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    std::lock_guard<std::mutex> lock(im.write_mutex);
    im.connected = !im.closed;
  }
  asio::post(im.io, [self = impl_] { self->do_read(); });
  return {};
}

void client::call(const std::string& method, const value& params, callback done) {
  auto id = impl_->enlist(std::move(done));
  impl_->send_request(id, encode_request(id, method, params));
}

void client::call_encoded(const std::string& method, const std::string& params_msgpack, callback done) {
  auto id = impl_->enlist(std::move(done));
  impl_->send_request(id, encode_request_raw(id, method, params_msgpack));
}

void client::notify(const std::string& method, const value& params) {
  impl_->write(encode_notification(method, params));
}

result<value> client::call_sync(const std::string& method, const value& params,
                                std::chrono::milliseconds timeout) {
  auto p = std::make_shared<std::promise<result<value>>>();
  auto f = p->get_future();
  call(method, params, [p](result<value> r) { p->set_value(std::move(r)); });
  if (f.wait_for(timeout) != std::future_status::ready)
    return status{error_code::timeout,
                  method + " got no reply within " + std::to_string(timeout.count()) + " ms"};
  return f.get();
}

void client::request_io_time_slice(std::chrono::microseconds slice) {
  asio::post(impl_->io, [slice] { request_time_slice(slice); });
}

void client::close() {
  auto self = impl_;
  if (!self->thread.joinable())
    return;
  std::promise<void> done;
  asio::post(self->io, [self, &done] {
    if (!self->closed)
      self->fail_all("the client closed the connection");
    done.set_value();
  });
  done.get_future().wait();
}

result<std::string> client_token(const std::string& flag_token, const std::string& token_file) {
  if (!flag_token.empty())
    return flag_token;
  if (!token_file.empty()) {
    auto text = read_secret_file(token_file, 1);
    if (!text.ok())
      return status{text.error().code(), "--token-file: " + text.error().message()};
    return *text;
  }
  if (const char* env = std::getenv("PERSONA_TOKEN"))
    return std::string(env);
  return std::string();
}

}  // namespace persona::net
