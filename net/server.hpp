// server: a Persona node's network front: the acceptor, the I/O threads, the
// session registry, and the graceful stop (stop accepting, answer what is in
// flight, close). Owns the dispatcher; drives the engine it is given. Start
// once; stop from any thread, or let SIGINT/SIGTERM do it.
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "actors/engine.hpp"
#include "net/audit_trail.hpp"
#include "net/dispatcher.hpp"
#include "net/ingest_decoder.hpp"
#include "net/node_config.hpp"
#include "net/session.hpp"

namespace persona::net {

class server {
 public:
  server(engine& eng, const node_config& cfg);
  ~server();

  /// Loads the TLS certificate (if any), binds and starts the I/O threads.
  /// Fails with a message naming the file or address at fault.
  status start();
  /// The bound port (useful with port 0).
  uint16_t port() const { return port_; }
  /// Stops SIGINT/SIGTERM from doing a graceful stop (tests run servers in-process).
  void handle_signals(bool on) { handle_signals_ = on; }
  /// Graceful stop: stop accepting, wait up to stop_grace_s for requests in
  /// flight to be answered, close every connection, join the I/O threads.
  void stop();
  /// Blocks until stop() has completed (from a signal or another thread).
  void wait();

  const network_counters& counters() const { return counters_; }

 private:
  void do_accept();
  void on_signal();
  /// Every timeout_check_interval, has each session check its timeouts.
  void check_timeouts();

  /// How often sessions' timeouts are checked (the timeouts are whole seconds).
  static constexpr std::chrono::milliseconds timeout_check_interval{250};

  engine& engine_;
  node_config cfg_;
  network_counters counters_;
  /// Opened by start(); outlives the dispatcher's calls.
  std::unique_ptr<audit_trail> audit_;
  dispatcher dispatcher_;
  ingest_decoder decoder_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer timeout_timer_;
  boost::asio::signal_set signals_;
  session_registry registry_;
  /// The TLS context of every connection; null on plain TCP.
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool handle_signals_ = true;
  std::mutex stop_mutex_;
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace persona::net
