// crash_workload: what the crash tests write and check. Several connections
// each own a set of users and send batches of events with unique event ids,
// a few batches in flight at a time; the workload remembers which batches
// were acknowledged. After a crash and a restart, resend() sends every
// unacknowledged batch again, and check() compares every user's counts with
// what was sent: an acknowledged event lost, or any event applied twice,
// fails it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "net/client.hpp"
#include "test_util.hpp"

namespace persona::test {

class crash_workload {
 public:
  /// `connections` writers over `users_per_connection` users each.
  crash_workload(int connections, int users_per_connection, int events_per_batch, uint32_t seed)
      : connections_(connections), users_(users_per_connection), batch_size_(events_per_batch), rng_(seed) {}

  ~crash_workload() { stop(); }

  /// Starts the writers against the node at `port`; each keeps `window`
  /// batches in flight until stop() or until its connection fails.
  void start(uint16_t port, int window = 4) {
    stopping_ = false;
    for (int c = 0; c < connections_; ++c)
      writers_.emplace_back([this, c, port, window] { write_loop(c, port, window); });
  }

  /// Stops the writers (after a crash their connections have failed).
  void stop() {
    stopping_ = true;
    for (auto& t : writers_)
      t.join();
    writers_.clear();
  }

  /// Batches acknowledged so far, over all connections.
  size_t acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (auto& b : batches_)
      n += b.acked;
    return n;
  }
  size_t sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_.size();
  }

  /// Sends every unacknowledged batch again, in order, until acknowledged;
  /// the node must accept each event or reject it as a duplicate.
  void resend(uint16_t port) {
    net::client c;
    REQUIRE(c.connect("127.0.0.1", port).ok());
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& b : batches_) {
      if (b.acked)
        continue;
      auto r = c.call_sync("ingest", value{value::array{value{b.events}}});
      REQUIRE(r.ok());
      auto accepted = r->find("accepted")->as_int();
      auto& rejected = r->find("rejected")->as_array();
      for (auto& rej : rejected)
        CHECK(rej.find("code")->as_string() == "duplicate");
      CHECK(accepted + static_cast<int64_t>(rejected.size()) == batch_size_);
      resent_duplicates_ += rejected.size();
      b.acked = true;
    }
  }

  /// Events the resend found already applied (written before the crash,
  /// never acknowledged).
  size_t resent_duplicates() const { return resent_duplicates_; }

  /// Every user's lifetime counts equal the events sent to it.
  void check(uint16_t port) const {
    net::client c;
    REQUIRE(c.connect("127.0.0.1", port).ok());
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [user, counts] : expected_) {
      auto fields = value{value::array{value{"counts"}}};
      auto r = c.call_sync("get_profile", value{value::array{value{user}, map_of({{"fields", fields}})}});
      REQUIRE(r.ok());
      auto* got = r->find("counts");
      REQUIRE(got);
      for (auto& [type, n] : counts) {
        INFO("user " << user << ", type " << type);
        CHECK(got->find(type)->as_int() == n);
      }
    }
  }

  /// Users the workload wrote to.
  std::vector<std::string> users() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (auto& kv : expected_)
      out.push_back(kv.first);
    return out;
  }

 private:
  struct batch {
    value::array events;
    bool acked = false;
  };

  /// Makes the next batch of connection `c` and records what it will add.
  size_t make_batch(int c) {
    static const char* types[] = {"view", "click", "add_to_cart", "purchase"};
    batch b;
    size_t index = batches_.size();
    for (int i = 0; i < batch_size_; ++i) {
      auto user = "c" + std::to_string(c) + "-u" + std::to_string(rng_() % users_);
      std::string type = types[rng_() % 4];
      auto e = map_of({{"user", value{user}},
                       {"type", value{type}},
                       {"item", value{"i" + std::to_string(rng_() % 500)}},
                       {"ts", value{t0 + static_cast<int64_t>(index * batch_size_ + i) * 1000}},
                       {"id", value{"b" + std::to_string(index) + "-" + std::to_string(i)}}});
      if (type == "purchase")
        e.set("price", value{1.0 + static_cast<double>(rng_() % 100)});
      b.events.push_back(std::move(e));
      ++expected_[user][type];
    }
    batches_.push_back(std::move(b));
    return index;
  }

  void write_loop(int c, uint16_t port, int window) {
    net::client client;
    if (!client.connect("127.0.0.1", port).ok())
      return;
    auto in_flight = std::make_shared<std::atomic<int>>(0);
    auto failed = std::make_shared<std::atomic<bool>>(false);
    while (!stopping_ && !failed->load()) {
      if (in_flight->load() >= window) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      size_t index;
      value::array events;
      {
        std::lock_guard<std::mutex> lock(mu_);
        index = make_batch(c);
        events = batches_[index].events;
      }
      ++*in_flight;
      client.call("ingest", value{value::array{value{std::move(events)}}},
                  [this, index, in_flight, failed](result<value> r) {
                    if (r.ok()) {
                      std::lock_guard<std::mutex> lock(mu_);
                      batches_[index].acked = true;
                    } else {
                      failed->store(true);
                    }
                    --*in_flight;
                  });
    }
    // Wait for the answers (or failures) of what is in flight.
    for (int i = 0; i < 5000 && in_flight->load() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    client.close();
  }

  int connections_;
  int users_;
  int batch_size_;
  std::mt19937 rng_;
  mutable std::mutex mu_;
  std::vector<batch> batches_;
  std::map<std::string, std::map<std::string, int64_t>> expected_;
  size_t resent_duplicates_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> writers_;
};

}  // namespace persona::test
