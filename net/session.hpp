// session: one client connection. It reads bytes into its frame_decoder,
// hands each request to the dispatcher (ingest batches, and the writes
// behind them, through the ingest_decoder's thread), and writes replies in
// the order they become ready (pipelined requests may be answered out of
// order; clients match replies by msgid). A connection's writes apply in
// the order sent: the other writes wait at the decoder behind its ingest
// batches, and everything read after one of those other writes waits,
// unread by the dispatcher, until that write is answered (each method's
// `ordering` in net/method_table.hpp says which it is). Reading and
// bookkeeping run on the session's strand. A reply is written by the
// thread that produced it (an actor thread, usually) when the connection
// has nothing else queued: the write then costs no wake-up of an I/O
// thread. Otherwise it joins the queue the strand writes.
//
// Bounds: at most max_in_flight_per_connection requests in flight (more are
// answered `overloaded` at once), at most max_write_queue_bytes of replies
// queued for a client that does not read (then the connection is closed with
// a log line). What a connection holds decoded (messages waiting behind a
// write, batches waiting at the ingest decoder, the message being decoded)
// is bounded by max_connection_decode_bytes: past it the session stops
// reading and decoding until some of it is released (back-pressure). A
// message left unfinished for read_timeout_s, a connection without a request
// for idle_timeout_s (unless it has live subscriptions), and on a node with
// tokens one that has not authenticated within hello_timeout_s or failed
// max_failed_hellos hellos, are closed with a log line naming the peer and
// the reason. A protocol error closes the connection after an error reply
// where a msgid was readable; other connections are never affected.
//
// Over TLS (net/transport.hpp), the handshake comes first (bounded by
// tls_handshake_timeout_ms; a failure is logged, counted and closes the
// connection), a verified client certificate's CN may grant roles
// (tls_client_roles), and every reply is written by the strand: an SSL
// stream must not be written from one thread while another reads it.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "net/dispatcher.hpp"
#include "net/frame_decoder.hpp"
#include "net/ingest_decoder.hpp"
#include "net/node_config.hpp"
#include "net/transport.hpp"

namespace persona::net {

class session_registry;

class session : public std::enable_shared_from_this<session> {
 public:
  session(boost::asio::ip::tcp::socket socket, dispatcher& d, ingest_decoder& decoder, const node_config& cfg,
          session_registry& registry, network_counters& counters);

  /// Starts reading; with `tls`, after a TLS handshake under that context
  /// (which must outlive the session). REQUIRES: called once, after
  /// construction through make_shared.
  void start(boost::asio::ssl::context* tls = nullptr);
  /// Closes the connection now (from any thread).
  void stop();
  /// Stops reading new requests; closes once in-flight replies are written.
  void drain();
  /// Requests this session still has to answer.
  size_t in_flight() const { return in_flight_.load(); }
  const std::string& peer() const { return peer_; }
  /// The peer's address without its port (what max_connections_per_ip counts).
  const std::string& peer_address() const { return peer_address_; }
  /// A socket's peer address, as peer_address() gives it.
  static std::string address_of(const boost::asio::ip::tcp::socket& socket);
  /// Closes the connection if it passed one of its timeouts (from any
  /// thread; the check runs on the session's strand).
  void check_timeouts();

 private:
  /// Makes the TLS handshake, then reads. On the strand.
  void do_handshake();
  /// After a TLS handshake: the roles of the client's certificate.
  void on_handshake(const boost::system::error_code& ec);
  void do_read();
  void on_bytes(size_t n);
  /// Decodes and handles the messages buffered, as far as the decode budget
  /// allows, then reads on unless paused. On the strand.
  void process_buffered();
  /// Bytes this connection may still hold decoded.
  size_t decode_budget_left() const;
  /// Releases `cost` decoded bytes (a held or queued message was handled)
  /// and resumes a session paused for its budget. Any thread.
  void release_decoded(size_t cost);
  /// On the strand: the timeouts' checks.
  void check_timeouts_now();
  /// Handles one message; `handle` owns it, so that an ingest batch can
  /// be handed to the ingest decoder whole.
  void on_message(msgpack::object_handle& handle);
  /// Sends a message on its way; false, with `handle` untouched, when it
  /// is a write that must wait for the connection's ordered writes, or an
  /// ingest batch that must wait for room at the ingest decoder. `cost`:
  /// its bytes decoded.
  bool route(msgpack::object_handle& handle, size_t cost);
  /// Reserves room for `cost` bytes at the ingest decoder; false when it is
  /// full (route_held() is called back once there is room).
  bool reserve_at_decoder(size_t cost);
  /// An ordered write was answered: sends on what waited for it. On the strand.
  void ordered_write_done();
  /// Sends on the held message if it may go now, then decodes and reads on.
  /// On the strand.
  void route_held();
  using decoder_dispatch = std::function<void(dispatcher&, const msgpack::object& params, connection_state&)>;
  /// Hands a message to the ingest decoder's thread, which runs `dispatch`
  /// on it after what the decoder already holds.
  /// `reserved`: the bytes reserved for it at the decoder, which also count
  /// against the connection's decode budget until it has run.
  void dispatch_at_decoder(msgpack::object_handle& handle, const msgpack::object* params,
                           decoder_dispatch dispatch, size_t reserved);
  /// Writes a reply from the thread that produced it, or hands it to the
  /// strand when the connection is busy writing. Any thread.
  void answer(uint32_t msgid, result<value> r);
  /// Writes as much of `bytes` as the socket takes now, without blocking.
  /// Returns false where nothing could be written directly (the connection
  /// is busy or closed, or another thread is writing); `bytes` is then
  /// untouched. A partial write queues the rest for the strand. Any thread.
  bool try_write_now(std::string& bytes);
  /// After a reply was written: closes a draining connection that has
  /// nothing left in flight. On the strand.
  void close_if_done();
  /// Queues bytes for the strand to write. On the strand.
  void send(std::string bytes);
  /// Starts an asynchronous write of the queue's head. REQUIRES:
  /// write_mutex_ held, no write in progress.
  void start_write_locked();
  /// Starts the write of what a partial direct write left queued. On the strand.
  void resume_write();
  /// Nothing queued and no write in progress.
  bool write_idle();
  void close_after_flush(const std::string& why);
  /// Sends segment events as a notification unless the subscriber's
  /// backlog is full (then they are dropped and counted).
  void push_segment_events(value::array& events);
  /// After drops, once the backlog is written: tells the client how many.
  void announce_dropped();
  void close_now(const std::string& why);

  transport stream_;
  /// Bounds the TLS handshake; null on plain TCP. On the strand.
  std::unique_ptr<boost::asio::steady_timer> handshake_timer_;
  dispatcher& dispatcher_;
  ingest_decoder& ingest_decoder_;
  /// Requests handed to the decoder and not yet dispatched by it; while
  /// any are, the connection's other writes follow them there, in order.
  std::shared_ptr<std::atomic<size_t>> at_decoder_ = std::make_shared<std::atomic<size_t>>(0);
  /// Ordered writes (ordering::write) sent and not yet answered; while
  /// any are, writes read after them wait in `held_`. On the strand.
  size_t ordered_writes_ = 0;
  /// The message read after a write that had to wait (at most one: what
  /// follows stays undecoded in decoder_); reading pauses until it is on
  /// its way. On the strand.
  struct held_message {
    msgpack::object_handle handle;
    /// Its bytes decoded, counted in decoded_bytes_.
    size_t cost;
  };
  std::deque<held_message> held_;
  /// Bytes decoded and still held: messages in held_ and at the ingest decoder.
  std::atomic<size_t> decoded_bytes_{0};
  /// Decoding stopped because the next message does not fit the decode
  /// budget; set on the strand, cleared by whoever resumes it.
  std::atomic<bool> paused_{false};
  /// An asynchronous read is outstanding. On the strand.
  bool read_pending_ = false;
  using clock = std::chrono::steady_clock;
  /// When the connection was accepted, its last request arrived, and the
  /// unfinished message buffered now began to arrive. On the strand.
  clock::time_point accepted_at_;
  clock::time_point last_request_at_;
  clock::time_point partial_since_;
  bool partial_ = false;
  const node_config& cfg_;
  session_registry& registry_;
  network_counters& counters_;
  frame_decoder decoder_;
  connection_state conn_;
  // Guards the write side (the queue, writing_, closed_ and the socket's
  // lifetime) against replies written from other threads. Held only for a
  // non-blocking write or a queue update; other threads only try it.
  std::mutex write_mutex_;
  std::deque<std::string> write_queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  std::atomic<bool> reading_stopped_{false};
  bool closing_ = false;
  bool closed_ = false;
  std::atomic<size_t> in_flight_{0};
  uint64_t dropped_events_ = 0;
  std::string peer_;
  std::string peer_address_;
};

/// The open sessions of a server, so a stop can reach them all. Thread-safe.
class session_registry {
 public:
  /// Counts a connection from `address` unless `max_per_address` (0: no
  /// bound) are open from it; false then. REQUIRES: add() follows a true.
  bool admit(const std::string& address, size_t max_per_address);
  void add(const std::shared_ptr<session>& s);
  void remove(const session* s);
  size_t size() const;
  /// Requests still in flight over all sessions.
  size_t in_flight() const;
  void drain_all();
  void stop_all();
  /// Asks every session to check its timeouts.
  void check_timeouts();

 private:
  mutable std::mutex mutex_;
  std::vector<std::weak_ptr<session>> sessions_;
  /// Open sessions by peer address.
  std::map<std::string, size_t> per_address_;
};

}  // namespace persona::net
