#include "net/server.hpp"

#include <csignal>

#include "core/os/thread_slice.hpp"
#include "net/log.hpp"
#include "net/tls_context.hpp"

namespace persona::net {

namespace asio = boost::asio;

server::server(engine& eng, const node_config& cfg)
    : engine_(eng),
      cfg_(cfg),
      dispatcher_(eng, cfg_, counters_),
      decoder_(cfg_.max_ingest_queue_bytes),
      work_(asio::make_work_guard(io_)),
      acceptor_(asio::make_strand(io_)),
      timeout_timer_(acceptor_.get_executor()),
      signals_(io_) {}

server::~server() {
  stop();
}

status server::start() {
  auto audit = open_audit_trail(cfg_);
  if (!audit.ok())
    return audit.error();
  audit_ = std::move(*audit);
  dispatcher_.set_audit_trail(audit_.get());
  if (cfg_.tls()) {
    auto tls = make_server_tls(cfg_.tls_cert, cfg_.tls_key, cfg_.tls_ca);
    if (!tls.ok())
      return tls.error();
    tls_ = std::move(*tls);
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(cfg_.bind, ec);
  if (ec)
    return {error_code::bad_request, "--bind='" + cfg_.bind + "' is not an IP address"};
  asio::ip::tcp::endpoint ep(address, cfg_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec)
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(ep, ec);
  if (!ec)
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return {error_code::unavailable, "cannot listen on " + cfg_.bind + ":" + std::to_string(cfg_.port) +
                                         ": " + ec.message() + "; choose another --port or --bind"};
  port_ = acceptor_.local_endpoint().port();
  if (handle_signals_) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](boost::system::error_code e, int) {
      if (!e)
        on_signal();
    });
  }
  decoder_.start(std::chrono::microseconds(cfg_.thread_slice_us));
  do_accept();
  check_timeouts();
  for (size_t i = 0; i < cfg_.io_threads; ++i)
    threads_.emplace_back([this] {
      if (cfg_.thread_slice_us > 0)
        request_time_slice(std::chrono::microseconds(cfg_.thread_slice_us));
      io_.run();
    });
  return {};
}

void server::do_accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](boost::system::error_code ec,
                                                        asio::ip::tcp::socket s) {
    if (ec) {
      if (ec == asio::error::operation_aborted)
        return;
      log_line(log_level::warning, "accept failed: " + ec.message());
    } else if (registry_.size() >= cfg_.max_connections) {
      counters_.connections_refused.fetch_add(1, std::memory_order_relaxed);
      log_line(log_level::warning, "refused a connection: max_connections (" +
                                       std::to_string(cfg_.max_connections) + ") are open");
      boost::system::error_code ignored;
      s.close(ignored);
    } else {
      boost::system::error_code ignored;
      auto address = session::address_of(s);
      if (registry_.admit(address, cfg_.max_connections_per_ip)) {
        counters_.connections_open.fetch_add(1, std::memory_order_relaxed);
        counters_.connections_total.fetch_add(1, std::memory_order_relaxed);
        auto sess =
            std::make_shared<session>(std::move(s), dispatcher_, decoder_, cfg_, registry_, counters_);
        registry_.add(sess);
        sess->start(tls_.get());
      } else {
        counters_.connections_refused.fetch_add(1, std::memory_order_relaxed);
        counters_.connections_refused_per_ip.fetch_add(1, std::memory_order_relaxed);
        log_line(log_level::warning, "refused a connection from " + address + ": max_connections_per_ip (" +
                                         std::to_string(cfg_.max_connections_per_ip) + ") are open from it");
        s.close(ignored);
      }
    }
    if (acceptor_.is_open())
      do_accept();
  });
}

void server::check_timeouts() {
  timeout_timer_.expires_after(timeout_check_interval);
  timeout_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec)
      return;
    registry_.check_timeouts();
    check_timeouts();
  });
}

void server::on_signal() {
  log_line(log_level::info, "signal received: stopping gracefully");
  // Stop from a plain thread: stop() joins the I/O threads.
  std::thread([this] { stop(); }).detach();
}

void server::stop() {
  {
    std::unique_lock<std::mutex> lock(stop_mutex_);
    if (threads_.empty() && !stopping_)
      return;  // never started
    if (stopping_) {
      // Another thread (a signal) is stopping: wait for it to finish.
      stopped_cv_.wait(lock, [this] { return stopped_; });
      return;
    }
    stopping_ = true;
  }
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    timeout_timer_.cancel();
  });
  registry_.drain_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg_.stop_grace_s);
  while (registry_.in_flight() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (auto left = registry_.in_flight())
    log_line(log_level::warning, std::to_string(left) + " request(s) still in flight after " +
                                     std::to_string(cfg_.stop_grace_s) + " s; closing their connections");
  // Give the last replies a moment to be written, then close everything.
  auto flush_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (registry_.size() > 0 && std::chrono::steady_clock::now() < flush_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  registry_.stop_all();
  work_.reset();
  io_.stop();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
  decoder_.stop();
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stopped_ = true;
  }
  stopped_cv_.notify_all();
}

void server::wait() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  stopped_cv_.wait(lock, [this] { return stopped_; });
}

}  // namespace persona::net
