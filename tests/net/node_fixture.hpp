// Test helpers for the network layer: an in-process node (engine + server
// on an ephemeral port), a raw blocking socket for feeding it bytes, and
// terse builders of request params.
#pragma once

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "net/client.hpp"
#include "net/frame_decoder.hpp"
#include "net/msgpack_value.hpp"
#include "net/node_config.hpp"
#include "net/rpc_codec.hpp"
#include "net/server.hpp"
#include "test_util.hpp"

namespace persona::test {

/// A node listening on 127.0.0.1 and a free port.
struct test_node {
  temp_directory data;
  net::node_config cfg;
  std::unique_ptr<engine> eng;
  std::unique_ptr<net::server> srv;

  explicit test_node(net::node_config c = {}) : cfg(std::move(c)) {
    cfg.port = 0;
    cfg.data_dir = data.path();
    engine_options eo;
    eo.shards = 2;
    eo.worker_threads = 2;
    eo.data_dir = data.path();
    eng = std::make_unique<engine>(eo);
    if (auto st = eng->wait_ready(); !st.ok())
      throw std::runtime_error(st.message());
    srv = std::make_unique<net::server>(*eng, cfg);
    srv->handle_signals(false);
    auto st = srv->start();
    if (!st.ok())
      throw std::runtime_error(st.message());
  }
  ~test_node() {
    srv->stop();
    eng.reset();
    srv.reset();
  }
  uint16_t port() const { return srv->port(); }

  /// A connected client.
  std::unique_ptr<net::client> connect() const {
    auto c = std::make_unique<net::client>();
    auto st = c->connect("127.0.0.1", port());
    if (!st.ok())
      throw std::runtime_error(st.message());
    return c;
  }
};

/// A blocking socket that writes raw bytes and reads whole responses.
struct raw_connection {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket{io};
  net::frame_decoder decoder{1 << 24};

  explicit raw_connection(uint16_t port) {
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  void write(const std::string& bytes) { boost::asio::write(socket, boost::asio::buffer(bytes)); }

  /// The next response as {msgid, error code or "", result}; false when the
  /// node closed the connection first.
  bool read_response(uint32_t& msgid, std::string& code, value& result) {
    msgpack::object_handle oh;
    while (decoder.next(oh) != net::frame_decoder::outcome::message) {
      boost::system::error_code ec;
      char* buf = decoder.prepare(65536);
      size_t n = socket.read_some(boost::asio::buffer(buf, 65536), ec);
      if (ec)
        return false;
      decoder.commit(n);
    }
    auto& a = oh.get().via.array;
    msgid = static_cast<uint32_t>(a.ptr[1].via.u64);
    code.clear();
    if (a.ptr[2].type != msgpack::type::NIL)
      code = to_string(net::status_from_error(a.ptr[2]).code());
    else
      result = *net::to_value(a.ptr[3], "result");
    return true;
  }

  /// True when the node has closed the connection (reads EOF or reset).
  bool closed_by_node() {
    boost::system::error_code ec;
    char buf[4096];
    while (true) {
      socket.read_some(boost::asio::buffer(buf), ec);
      if (ec)
        return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }
  }
};

/// ingest params: the given events as one batch.
inline value events_of(std::vector<value> events) {
  return value{value::array{value{value::array(events.begin(), events.end())}}};
}

/// A view event of `item` by `user` at `ts`.
inline value view(const std::string& user, const std::string& item, int64_t ts) {
  return map_of({{"user", value{user}}, {"type", value{"view"}}, {"item", value{item}}, {"ts", value{ts}}});
}

/// ingest params: one view of `item` by each of `users` users named
/// `prefix`0, `prefix`1, ..., a millisecond apart.
inline value one_view_each(const std::string& prefix, int users, const std::string& item) {
  std::vector<value> events;
  for (int u = 0; u < users; ++u)
    events.push_back(view(prefix + std::to_string(u), item, t0 + u));
  return events_of(events);
}

/// Params: the given values as an array.
inline value args(std::vector<value> xs) {
  return value{value::array(xs.begin(), xs.end())};
}

/// "ok", or the error's code.
inline std::string code_of(const result<value>& r) {
  return r.ok() ? "ok" : to_string(r.error().code());
}

/// A node still serves a fresh connection.
inline void still_serves(const test_node& node) {
  auto c = node.connect();
  auto r = c->call_sync("ping", args({}));
  REQUIRE(r.ok());
  CHECK(r->as_string() == "pong");
}

}  // namespace persona::test
