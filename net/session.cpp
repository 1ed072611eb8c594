#include "net/session.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>

#include "net/log.hpp"
#include "net/method_table.hpp"
#include "net/rpc_codec.hpp"
#include "net/tls_context.hpp"

namespace persona::net {

namespace asio = boost::asio;

namespace {

/// Bytes asked of each read: a little under the decoder's initial 64 KiB
/// buffer, so an idle connection's buffer never doubles.
constexpr size_t read_chunk = 64 * 1024 - 64;

}  // namespace

session::session(asio::ip::tcp::socket socket, dispatcher& d, ingest_decoder& decoder, const node_config& cfg,
                 session_registry& registry, network_counters& counters)
    : stream_(std::move(socket)),
      dispatcher_(d),
      ingest_decoder_(decoder),
      cfg_(cfg),
      registry_(registry),
      counters_(counters),
      decoder_(cfg.max_message_bytes, cfg.max_connection_decode_bytes) {
  conn_.roles = dispatcher_.initial_roles();
  boost::system::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  peer_address_ = address_of(stream_.socket());
  peer_ = ec ? peer_address_ : peer_address_ + ":" + std::to_string(ep.port());
  conn_.peer = peer_;
  accepted_at_ = last_request_at_ = clock::now();
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

std::string session::address_of(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("unknown peer") : ep.address().to_string();
}

void session::start(asio::ssl::context* tls) {
  if (tls)
    stream_ = transport(std::move(stream_.socket()), *tls);
  auto self = shared_from_this();
  std::weak_ptr<session> weak = self;
  conn_.push_segment_events = [weak](value::array& events) {
    if (auto s = weak.lock())
      asio::post(s->stream_.get_executor(),
                 [s, events = std::move(events)]() mutable { s->push_segment_events(events); });
  };
  if (stream_.secure())
    asio::dispatch(stream_.get_executor(), [self] { self->do_handshake(); });
  else
    asio::dispatch(stream_.get_executor(), [self] { self->do_read(); });
}

void session::do_handshake() {
  auto self = shared_from_this();
  handshake_timer_ = std::make_unique<asio::steady_timer>(stream_.get_executor());
  handshake_timer_->expires_after(std::chrono::milliseconds(cfg_.tls_handshake_timeout_ms));
  handshake_timer_->async_wait([self](boost::system::error_code ec) {
    if (ec || self->closed_ || !self->handshake_timer_)
      return;
    self->counters_.tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
    self->close_now("no TLS handshake within " + std::to_string(self->cfg_.tls_handshake_timeout_ms) +
                    " ms (tls_handshake_timeout_ms)");
  });
  // A TLS client speaks first with a handshake record (type 22): any other
  // first byte is refused at once, not after the timeout.
  stream_.socket().async_wait(asio::ip::tcp::socket::wait_read, [self](boost::system::error_code ec) {
    if (ec || self->closed_)
      return self->on_handshake(ec);
    unsigned char first = 0;
    auto n = ::recv(self->stream_.socket().native_handle(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 1 && first != 22) {
      self->handshake_timer_->cancel();
      self->counters_.tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", first);
      return self->close_now(std::string("plain TCP on a TLS node (first byte ") + hex +
                             " is not a TLS handshake); clients must connect with TLS");
    }
    self->stream_.async_handshake(asio::ssl::stream_base::server,
                                  [self](boost::system::error_code e) { self->on_handshake(e); });
  });
}

void session::on_handshake(const boost::system::error_code& ec) {
  if (closed_)
    return;
  handshake_timer_->cancel();
  handshake_timer_.reset();
  if (ec) {
    counters_.tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
    return close_now("TLS handshake failed (" + tls_error_text(ec) +
                     "); clients must connect with TLS and trust the node's certificate");
  }
  if (!cfg_.tls_ca.empty()) {
    // The handshake verified the certificate against --tls-ca.
    auto cn = peer_common_name(stream_.tls());
    conn_.token_name = cn;
    auto it = cfg_.tls_client_roles.find(cn);
    if (it != cfg_.tls_client_roles.end()) {
      conn_.authenticated = true;
      conn_.roles = it->second;
    } else if (!cfg_.tls_client_roles.empty()) {
      conn_.roles = 0;  // an unmapped certificate: only a hello with a token grants roles
    }
  }
  do_read();
}

void session::stop() {
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [self] { self->close_now("the node is stopping"); });
}

void session::drain() {
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [self] {
    self->reading_stopped_ = true;
    if (self->in_flight_ == 0 && self->ordered_writes_ == 0 && self->held_.empty() && self->write_idle())
      self->close_now("the node is stopping");
  });
}

void session::do_read() {
  if (reading_stopped_ || closed_ || read_pending_)
    return;
  auto self = shared_from_this();
  char* buf = decoder_.prepare(read_chunk);
  read_pending_ = true;
  stream_.async_read_some(asio::buffer(buf, read_chunk), [self](boost::system::error_code ec, size_t n) {
    self->read_pending_ = false;
    if (ec) {
      // A TLS client that closes without close_notify truncates the stream: a normal close too.
      if (ec != asio::error::operation_aborted && ec != asio::error::eof &&
          ec != asio::error::connection_reset && ec != asio::ssl::error::stream_truncated)
        log_line(log_level::warning, "connection " + self->peer_ + ": read failed: " + ec.message());
      // The client is gone or half-closed: finish what is in flight, then close.
      self->reading_stopped_ = true;
      if (self->in_flight_ == 0 && self->write_idle())
        self->close_now("");
      return;
    }
    self->on_bytes(n);
  });
}

void session::on_bytes(size_t n) {
  decoder_.commit(n);
  process_buffered();
}

size_t session::decode_budget_left() const {
  size_t held = decoded_bytes_.load();
  return held >= cfg_.max_connection_decode_bytes ? 0 : cfg_.max_connection_decode_bytes - held;
}

void session::release_decoded(size_t cost) {
  decoded_bytes_.fetch_sub(cost);
  if (paused_.load()) {
    auto self = shared_from_this();
    asio::post(stream_.get_executor(), [self] {
      if (self->paused_.exchange(false) && !self->closed_)
        self->process_buffered();
    });
  }
}

void session::process_buffered() {
  msgpack::object_handle oh;
  // Behind a held message the rest stays undecoded, as bytes in the
  // decoder: one held message at a time, however small the others.
  while (!closing_ && !closed_ && held_.empty()) {
    auto outcome = decoder_.next(oh, decode_budget_left());
    if (outcome == frame_decoder::outcome::need_more)
      break;
    if (outcome == frame_decoder::outcome::over_budget) {
      // Back-pressure: leave it buffered and stop reading until held
      // messages are released. Re-check after publishing the pause, so a
      // release that raced with it is not missed.
      paused_.store(true);
      if (decode_budget_left() >= decoder_.message_cost() && paused_.exchange(false))
        continue;
      counters_.decode_pauses.fetch_add(1, std::memory_order_relaxed);
      partial_ = false;
      return;
    }
    if (outcome == frame_decoder::outcome::message) {
      last_request_at_ = clock::now();
      on_message(oh);
      continue;
    }
    counters_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    auto code =
        outcome == frame_decoder::outcome::too_large ? error_code::too_large : error_code::bad_request;
    if (auto id = decoder_.failed_msgid())
      send(encode_response(*id, status{code, decoder_.failure() + "; the connection is closed"}));
    close_after_flush(decoder_.failure());
    return;
  }
  // A message begun and not finished starts the read timeout.
  bool partial = decoder_.in_message();
  if (partial && !partial_)
    partial_since_ = clock::now();
  partial_ = partial;
  if (!closing_ && !closed_ && held_.empty())
    do_read();
}

void session::on_message(msgpack::object_handle& handle) {
  // Once one message waits, all that follow wait behind it.
  size_t cost = decoder_.message_cost();
  if (!held_.empty() || !route(handle, cost)) {
    counters_.held_behind_writes.fetch_add(1, std::memory_order_relaxed);
    decoded_bytes_.fetch_add(cost);
    held_.push_back(held_message{std::move(handle), cost});
  }
}

bool session::reserve_at_decoder(size_t cost) {
  // The call back keeps the session: nothing else may while it waits unread.
  auto self = shared_from_this();
  bool room = ingest_decoder_.reserve(
      cost, [self] { asio::post(self->stream_.get_executor(), [self] { self->route_held(); }); });
  if (!room)
    counters_.ingest_queue_waits.fetch_add(1, std::memory_order_relaxed);
  return room;
}

bool session::route(msgpack::object_handle& handle, size_t cost) {
  const msgpack::object& o = handle.get();
  rpc_message m;
  std::optional<uint32_t> msgid;
  if (auto problem = parse_message(o, m, msgid)) {
    counters_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    if (msgid)
      send(encode_response(*msgid, status{error_code::bad_request, *problem + "; the connection is closed"}));
    close_after_flush(*problem);
    return true;
  }
  if (m.type == rpc_message::kind::response)
    return true;  // the node sends no requests; a stray response is ignored
  const method_row* row = find_method(m.method);
  // The row's ordering says what a connection's writes need: an ingest
  // batch goes to the ingest decoder's thread, where the other writes queue
  // behind the batches waiting there; while one of those other writes is
  // unanswered, the writes read after it wait for its answer. So a
  // connection's writes apply in the order sent. Reads may overtake queued
  // writes (they overtake queued batches at the shards too), but not ones
  // read after a held write.
  ordering order = row ? row->order : ordering::none;
  // Before hello on a node with tokens, a method that needs a role is
  // refused here, never queued at the ingest decoder.
  if (row && row->role != 0 && dispatcher_.needs_hello() && !conn_.authenticated)
    order = ordering::none;
  if (m.type == rpc_message::kind::notification) {
    if (order != ordering::batch) {
      dispatcher_.handle_notification(row, *m.params, conn_);
      return true;
    }
    if (ordered_writes_ > 0 || !reserve_at_decoder(cost))
      return false;
    dispatch_at_decoder(
        handle, m.params,
        [row](dispatcher& d, const msgpack::object& params, connection_state& conn) {
          d.handle_notification(row, params, conn);
        },
        cost);
    return true;
  }
  bool ordered_write = order == ordering::write;
  if (ordered_writes_ > 0 && order != ordering::none)
    return false;
  if (in_flight_ >= cfg_.max_in_flight_per_connection) {
    counters_.overloaded.fetch_add(1, std::memory_order_relaxed);
    send(encode_response(m.msgid, status{error_code::overloaded,
                                         "more than " + std::to_string(cfg_.max_in_flight_per_connection) +
                                             " requests are in flight on this connection; wait for replies "
                                             "before sending more"}));
    return true;
  }
  // An ingest batch needs room in the ingest decoder's queue; without it,
  // it waits (and reading stops) until the decoder calls back.
  size_t reserved = 0;
  if (order == ordering::batch) {
    if (!reserve_at_decoder(cost))
      return false;
    reserved = cost;
  }
  ++in_flight_;
  auto self = shared_from_this();
  auto msgid_copy = m.msgid;
  if (ordered_write)
    ++ordered_writes_;
  dispatcher::reply reply = [self, msgid_copy, ordered_write](result<value> r) {
    self->answer(msgid_copy, std::move(r));
    // An ordered write is answered once applied: what was read after it may go.
    if (ordered_write)
      asio::post(self->stream_.get_executor(), [self] { self->ordered_write_done(); });
  };
  if (!row) {
    if (m.method_not_utf8)
      dispatcher_.refuse_method_name(std::move(reply));
    else
      dispatcher_.refuse_unknown(m.method, std::move(reply));
    return true;
  }
  if (order == ordering::batch || (*at_decoder_ > 0 && ordered_write)) {
    dispatch_at_decoder(
        handle, m.params,
        [row, reply = std::move(reply)](dispatcher& d, const msgpack::object& params,
                                        connection_state& conn) mutable {
          d.handle_request(*row, params, conn, std::move(reply));
        },
        reserved);
    return true;
  }
  dispatcher_.handle_request(*row, *m.params, conn_, std::move(reply));
  if (conn_.failed_hellos > cfg_.max_failed_hellos) {
    counters_.closed_failed_hellos.fetch_add(1, std::memory_order_relaxed);
    close_after_flush(std::to_string(conn_.failed_hellos) + " hellos failed (max_failed_hellos " +
                      std::to_string(cfg_.max_failed_hellos) + ")");
  }
  return true;
}

void session::ordered_write_done() {
  --ordered_writes_;
  route_held();
}

void session::route_held() {
  bool was_holding = !held_.empty();
  while (!held_.empty() && !closing_ && !closed_) {
    auto& front = held_.front();
    if (!route(front.handle, front.cost))
      break;
    size_t cost = front.cost;
    held_.pop_front();
    decoded_bytes_.fetch_sub(cost);
  }
  // What waited in the decoder behind the held messages may go now.
  if (was_holding && held_.empty() && !closing_ && !closed_) {
    paused_.store(false);
    process_buffered();
  }
  close_if_done();
}

void session::dispatch_at_decoder(msgpack::object_handle& handle, const msgpack::object* params,
                                  decoder_dispatch dispatch, size_t reserved) {
  // The job owns the message, and the connection's credentials as they
  // are now (the methods sent there read nothing else of the connection).
  auto owned = std::make_shared<msgpack::object_handle>(std::move(handle));
  auto conn = std::make_shared<connection_state>();
  conn->authenticated = conn_.authenticated;
  conn->roles = conn_.roles;
  conn->token_name = conn_.token_name;
  conn->peer = conn_.peer;
  auto* d = &dispatcher_;
  auto pending = at_decoder_;
  ++*pending;
  // Its decoded bytes count against the connection's budget until it has run.
  size_t cost = reserved;
  decoded_bytes_.fetch_add(cost);
  // The job keeps the session: one paused for its budget has nothing else
  // that would, and the job resumes it.
  auto self = shared_from_this();
  ingest_decoder_.post(
      [d, owned, conn, params, pending, self, cost, dispatch = std::move(dispatch)]() mutable {
        dispatch(*d, *params, *conn);
        --*pending;  // routed to its shards: what follows may now go directly
        owned.reset();
        self->release_decoded(cost);
        self.reset();
      },
      cost);
}

void session::answer(uint32_t msgid, result<value> r) {
  auto bytes = encode_response(msgid, r);
  auto self = shared_from_this();
  if (try_write_now(bytes)) {
    counters_.replies_direct.fetch_add(1, std::memory_order_relaxed);
    // Sequentially consistent with drain(): one of the two sees the other.
    if (in_flight_.fetch_sub(1) == 1 && reading_stopped_)
      asio::post(stream_.get_executor(), [self] { self->close_if_done(); });
    return;
  }
  counters_.replies_queued.fetch_add(1, std::memory_order_relaxed);
  asio::post(stream_.get_executor(), [self, bytes = std::move(bytes)]() mutable {
    --self->in_flight_;
    if (!self->closed_)
      self->send(std::move(bytes));
    self->close_if_done();
  });
}

bool session::try_write_now(std::string& bytes) {
  std::unique_lock<std::mutex> lock(write_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || closed_ || writing_ || !write_queue_.empty())
    return false;
  auto n = stream_.write_now(bytes.data(), bytes.size());
  if (n < 0)
    return false;  // would block, failed, or TLS: the strand writes it
  if (static_cast<size_t>(n) == bytes.size())
    return true;
  // The socket took part of it: the rest must be the next bytes written.
  bytes.erase(0, static_cast<size_t>(n));
  queued_bytes_ += bytes.size();
  write_queue_.push_back(std::move(bytes));
  writing_ = true;
  lock.unlock();
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->resume_write(); });
  return true;
}

void session::close_if_done() {
  if (reading_stopped_ && in_flight_ == 0 && ordered_writes_ == 0 && held_.empty() && write_idle())
    close_now("");
}

bool session::write_idle() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return !writing_ && write_queue_.empty();
}

void session::send(std::string bytes) {
  if (closed_)
    return;
  std::unique_lock<std::mutex> lock(write_mutex_);
  queued_bytes_ += bytes.size();
  if (queued_bytes_ > cfg_.max_write_queue_bytes) {
    auto queued = queued_bytes_;
    lock.unlock();
    close_now("the client is not reading its replies (" + std::to_string(queued) +
              " bytes queued, max_write_queue_bytes " + std::to_string(cfg_.max_write_queue_bytes) + ")");
    return;
  }
  write_queue_.push_back(std::move(bytes));
  if (!writing_)
    start_write_locked();
}

void session::resume_write() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (!closed_ && writing_)
    start_write_locked();
}

void session::start_write_locked() {
  writing_ = true;
  // Gather everything queued into one write.
  std::vector<asio::const_buffer> buffers;
  size_t count = std::min<size_t>(write_queue_.size(), 64);
  for (size_t i = 0; i < count; ++i)
    buffers.emplace_back(asio::buffer(write_queue_[i]));
  auto self = shared_from_this();
  stream_.async_write(buffers, [self, count](boost::system::error_code ec, size_t) {
    {
      std::lock_guard<std::mutex> lock(self->write_mutex_);
      for (size_t i = 0; i < count; ++i) {
        self->queued_bytes_ -= self->write_queue_.front().size();
        self->write_queue_.pop_front();
      }
      if (!ec && !self->closed_ && !self->write_queue_.empty())
        return self->start_write_locked();
      self->writing_ = false;
    }
    if (ec) {
      if (ec != asio::error::operation_aborted)
        self->close_now("write failed: " + ec.message());
      return;
    }
    if (self->dropped_events_ > 0)
      return self->announce_dropped();
    if (self->closing_ || (self->reading_stopped_ && self->in_flight_ == 0))
      self->close_now("");
  });
}

void session::push_segment_events(value::array& events) {
  if (closed_)
    return;
  uint64_t count = events.size();
  auto bytes = encode_notification(segment_event_notification, value{value::array{value{std::move(events)}}});
  size_t queued = 0;
  {
    std::lock_guard<std::mutex> lock(write_mutex_);
    queued = queued_bytes_;
  }
  if (queued + bytes.size() > cfg_.max_subscriber_queue_bytes) {
    dropped_events_ += count;
    counters_.segment_events_dropped.fetch_add(count, std::memory_order_relaxed);
    return;
  }
  counters_.segment_events_sent.fetch_add(count, std::memory_order_relaxed);
  send(std::move(bytes));
}

void session::announce_dropped() {
  value notice{value::map{}};
  notice.set("dropped", value{dropped_events_});
  notice.set("message", value{"segment events were dropped because this connection read too slowly; "
                              "re-read the segments with segment_members to catch up"});
  dropped_events_ = 0;
  send(encode_notification(segment_events_dropped_notification, value{value::array{std::move(notice)}}));
}

void session::check_timeouts() {
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [self] { self->check_timeouts_now(); });
}

void session::check_timeouts_now() {
  if (closed_ || closing_)
    return;
  auto now = clock::now();
  auto past = [now](clock::time_point since, uint64_t seconds) {
    return seconds > 0 && now - since >= std::chrono::seconds(seconds);
  };
  if (dispatcher_.needs_hello() && !conn_.authenticated && past(accepted_at_, cfg_.hello_timeout_s)) {
    counters_.closed_hello_timeout.fetch_add(1, std::memory_order_relaxed);
    return close_now("no successful hello within hello_timeout_s (" + std::to_string(cfg_.hello_timeout_s) +
                     " s)");
  }
  // Only while the node is reading: a message paused behind the budget
  // waits for the node, not for the client.
  if (partial_ && read_pending_ && held_.empty() && past(partial_since_, cfg_.read_timeout_s)) {
    counters_.closed_read_timeout.fetch_add(1, std::memory_order_relaxed);
    return close_now("a message began to arrive and was not finished within read_timeout_s (" +
                     std::to_string(cfg_.read_timeout_s) + " s)");
  }
  bool busy = in_flight_ > 0 || ordered_writes_ > 0 || !held_.empty() || partial_ ||
              !conn_.subscriptions.empty() || !write_idle();
  if (!busy && past(last_request_at_, cfg_.idle_timeout_s)) {
    counters_.closed_idle.fetch_add(1, std::memory_order_relaxed);
    return close_now("no request within idle_timeout_s (" + std::to_string(cfg_.idle_timeout_s) + " s)");
  }
}

void session::close_after_flush(const std::string& why) {
  if (!why.empty())
    log_line(log_level::warning, "connection " + peer_ + ": " + why + "; closing it");
  closing_ = true;
  reading_stopped_ = true;
  if (write_idle())
    close_now("");
}

void session::close_now(const std::string& why) {
  if (closed_)
    return;
  if (!why.empty())
    log_line(log_level::warning, "connection " + peer_ + " closed: " + why);
  {
    // No other thread may write to the socket once it is closed (its
    // descriptor may be reused by the next connection).
    std::lock_guard<std::mutex> lock(write_mutex_);
    closed_ = true;
    stream_.close();
  }
  dispatcher_.release(conn_);
  counters_.connections_open.fetch_sub(1, std::memory_order_relaxed);
  registry_.remove(this);
}

bool session_registry::admit(const std::string& address, size_t max_per_address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& count = per_address_[address];
  if (max_per_address > 0 && count >= max_per_address)
    return false;
  ++count;
  return true;
}

void session_registry::add(const std::shared_ptr<session>& s) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.push_back(s);
}

void session_registry::remove(const session* s) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = per_address_.find(s->peer_address());
  if (it != per_address_.end() && --it->second == 0)
    per_address_.erase(it);
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                 [s](const std::weak_ptr<session>& w) {
                                   auto p = w.lock();
                                   return !p || p.get() == s;
                                 }),
                  sessions_.end());
}

size_t session_registry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

size_t session_registry::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (auto& w : sessions_)
    if (auto s = w.lock())
      n += s->in_flight();
  return n;
}

void session_registry::drain_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& w : sessions_)
    if (auto s = w.lock())
      s->drain();
}

void session_registry::check_timeouts() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& w : sessions_)
    if (auto s = w.lock())
      s->check_timeouts();
}

void session_registry::stop_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& w : sessions_)
    if (auto s = w.lock())
      s->stop();
}

}  // namespace persona::net
