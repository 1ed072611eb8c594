#include "net/client.hpp"

#include <boost/asio.hpp>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/thread_slice.hpp"
#include "net/frame_decoder.hpp"
#include "net/msgpack_value.hpp"
#include "net/rpc_codec.hpp"

namespace persona::net {

namespace asio = boost::asio;

struct client::impl : std::enable_shared_from_this<client::impl> {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{asio::make_work_guard(io)};
  asio::ip::tcp::socket socket{io};
  std::thread thread;
  frame_decoder decoder{size_t{1} << 31};
  mutable std::mutex mutex;
  std::unordered_map<uint32_t, callback> waiting;
  notification_handler notified;  // guarded by mutex
  uint32_t next_id = 1;
  std::deque<std::string> queue;  // touched on the I/O thread only
  bool writing = false;
  bool closed = false;

  uint32_t enlist(callback done) {
    std::lock_guard<std::mutex> lock(mutex);
    uint32_t id = next_id++;
    if (next_id == 0)
      next_id = 1;
    waiting.emplace(id, std::move(done));
    return id;
  }

  void write(std::string bytes) {
    auto self = shared_from_this();
    asio::post(io, [self, bytes = std::move(bytes)]() mutable {
      if (self->closed)
        return;
      self->queue.push_back(std::move(bytes));
      if (!self->writing)
        self->do_write();
    });
  }

  void do_write() {
    if (queue.empty()) {
      writing = false;
      return;
    }
    writing = true;
    std::vector<asio::const_buffer> bufs;
    size_t count = std::min<size_t>(queue.size(), 64);
    for (size_t i = 0; i < count; ++i)
      bufs.emplace_back(asio::buffer(queue[i]));
    auto self = shared_from_this();
    asio::async_write(socket, bufs, [self, count](boost::system::error_code ec, size_t) {
      for (size_t i = 0; i < count; ++i)
        self->queue.pop_front();
      if (ec)
        return self->fail_all("the connection to the node failed: " + ec.message());
      self->do_write();
    });
  }

  void do_read() {
    auto self = shared_from_this();
    char* buf = decoder.prepare(64 * 1024);
    socket.async_read_some(asio::buffer(buf, 64 * 1024), [self](boost::system::error_code ec, size_t n) {
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

  void fail_all(const std::string& why) {
    closed = true;
    boost::system::error_code ignored;
    socket.close(ignored);
    std::unordered_map<uint32_t, callback> orphans;
    {
      std::lock_guard<std::mutex> lock(mutex);
      orphans.swap(waiting);
    }
    for (auto& [id, done] : orphans)
      done(status{error_code::unavailable, why});
  }
};

client::client() : impl_(std::make_shared<impl>()) {}

void client::on_notification(notification_handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->notified = std::move(handler);
}

client::~client() {
  close();
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

status client::connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  asio::ip::tcp::resolver resolver(im.io);
  boost::system::error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec)
    return {error_code::unavailable, "cannot resolve " + host + ": " + ec.message()};
  std::promise<boost::system::error_code> connected;
  auto fut = connected.get_future();
  asio::async_connect(
      im.socket, endpoints,
      [&connected](boost::system::error_code e, const asio::ip::tcp::endpoint&) { connected.set_value(e); });
  im.thread = std::thread([this] { impl_->io.run(); });
  if (fut.wait_for(timeout) != std::future_status::ready) {
    asio::post(im.io, [self = impl_] {
      boost::system::error_code ignored;
      self->socket.close(ignored);
    });
    fut.wait();
    return {error_code::timeout, "no connection to " + host + ":" + std::to_string(port) + " within " +
                                     std::to_string(timeout.count()) + " ms"};
  }
  ec = fut.get();
  if (ec)
    return {error_code::unavailable, "cannot connect to " + host + ":" + std::to_string(port) + ": " +
                                         ec.message() + "; is personad running there?"};
  asio::post(im.io, [self = impl_] {
    boost::system::error_code ignored;
    self->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    self->do_read();
  });
  return {};
}

void client::call(const std::string& method, const value& params, callback done) {
  auto id = impl_->enlist(std::move(done));
  impl_->write(encode_request(id, method, params));
}

void client::call_encoded(const std::string& method, const std::string& params_msgpack, callback done) {
  auto id = impl_->enlist(std::move(done));
  impl_->write(encode_request_raw(id, method, params_msgpack));
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

}  // namespace persona::net
