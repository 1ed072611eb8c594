// logged_store: a shard in miniature for the storage tests (a profile
// store and its WAL, changed only through both, snapshotted as a shard
// does), with helpers to make events, compare profiles, watch a WAL's
// durable callbacks and recover a directory. Used from the test's thread
// (durable_watch also from the WAL writer's).
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "core/profile/profile_codec.hpp"
#include "core/storage/file_env.hpp"
#include "core/storage/shard_recovery.hpp"
#include "core/storage/snapshot_file.hpp"
#include "core/storage/snapshot_writer.hpp"
#include "core/storage/wal_record.hpp"
#include "core/storage/wal_writer.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

namespace persona::test {

inline std::vector<uint32_t> indices_for(size_t n) {
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i)
    idx[i] = static_cast<uint32_t>(i);
  return idx;
}

/// A shard in miniature: a store and its WAL, changed only through both.
struct logged_store {
  profile_store store;
  std::shared_ptr<const item_catalog> catalog = std::make_shared<const item_catalog>();
  std::unique_ptr<wal_writer> wal;
  std::string dir;
  /// The file system of the WAL and snapshots.
  file_env& env;

  explicit logged_store(std::string d, uint64_t next_seq = 1, file_env& files = posix_env())
      : dir(std::move(d)), env(files) {
    REQUIRE(env.make_directories(dir).ok());
    auto w =
        wal_writer::open(dir, next_seq, fsync_policy::none, std::chrono::milliseconds(100), nullptr, env);
    REQUIRE(w.ok());
    wal = std::move(*w);
  }

  void ingest(const std::vector<event>& events) {
    std::string payload;
    encode_batch_payload(payload, events);
    REQUIRE(wal->append(static_cast<uint8_t>(wal_kind::batch), payload).ok());
    store.apply(events, indices_for(events.size()), catalog.get());
  }
  void set_attrs(const std::string& user, const value& attrs) {
    REQUIRE(
        wal->append(static_cast<uint8_t>(wal_kind::attributes), encode_attributes_payload(user, attrs)).ok());
    REQUIRE(store.set_attributes(user, attrs).ok());
  }
  void erase(const std::string& user) {
    REQUIRE(wal->append(static_cast<uint8_t>(wal_kind::erase), encode_erase_payload(user)).ok());
    store.erase(user);
  }
  void upsert(const std::vector<item_record>& items) {
    auto next = catalog->with(items);
    REQUIRE(
        wal->append(static_cast<uint8_t>(wal_kind::catalog), encode_catalog_payload(next->version(), items))
            .ok());
    catalog = next;
  }

  /// Writes a snapshot as a shard does: rotate, capture in slices while
  /// `meanwhile` changes the store, write, wait. Returns how it went.
  snapshot_writer::outcome try_snapshot(const std::function<void()>& meanwhile = [] {}) {
    uint64_t seq = wal->last_seq();
    REQUIRE(wal->rotate().ok());
    store.capture().begin(store);
    std::promise<snapshot_writer::outcome> done;
    auto w = snapshot_writer::start(
        dir, seq, [&](const snapshot_writer::outcome& o) { done.set_value(o); }, env);
    REQUIRE(w.ok());
    snapshot_encoder enc;
    (*w)->write(enc.header({0, 1, seq, store.capture().events(), catalog->version(), t0}));
    (*w)->write(enc.catalog(*catalog, 2));
    std::vector<captured_profile> part;
    bool complete = false;
    while (!complete) {
      part.clear();
      complete = store.capture().slice(store, 50, part);
      (*w)->write(enc.profiles(part));
      meanwhile();
    }
    store.capture().end();
    (*w)->write(enc.end());
    (*w)->finish();
    return done.get_future().get();
  }

  /// The same, for a snapshot that must succeed. Returns its path.
  std::string snapshot(const std::function<void()>& meanwhile = [] {}) {
    auto outcome = try_snapshot(meanwhile);
    REQUIRE(outcome.st.ok());
    return outcome.path;
  }
};

inline std::vector<event> random_events(std::mt19937& rng, int n, int users, int64_t ts0) {
  std::vector<event> out;
  for (int i = 0; i < n; ++i) {
    auto user = "u" + std::to_string(rng() % users);
    auto type = static_cast<event_type>(rng() % 5);
    auto e = make_event(user, type, ts0 + i * 1000, "i" + std::to_string(rng() % 40));
    if (type == event_type::purchase)
      e = with_price(e, 1 + rng() % 100);
    out.push_back(with_id(e, "e" + std::to_string(ts0) + "-" + std::to_string(i)));
  }
  return out;
}

/// Every profile of `s` as its image, by user.
inline std::map<std::string, std::string> images_of(const profile_store& s,
                                                    const std::vector<std::string>& users) {
  std::map<std::string, std::string> out;
  for (auto& u : users)
    if (auto* p = s.find(u))
      out[u] = encode_profile(*p, s.symbols());
  return out;
}

inline std::vector<std::string> user_names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back("u" + std::to_string(i));
  return out;
}

/// Collects a wal_writer's durable callbacks: how far records are durable,
/// and the first error with the record it covered.
class durable_watch {
 public:
  /// The callback to open the writer with; `this` must outlive the writer.
  wal_writer::durable_callback callback() {
    return [this](uint64_t seq, const status& st) {
      std::lock_guard<std::mutex> lock(mu_);
      if (st.ok()) {
        durable_ = std::max(durable_, seq);
      } else if (error_.ok()) {
        error_ = st;
        failed_seq_ = seq;
      }
      changed_.notify_all();
    };
  }
  /// Waits up to 5 s for records up to `seq` to be reported durable.
  bool wait_durable(uint64_t seq) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return durable_ >= seq; });
  }
  /// Waits up to 5 s for an error; it, or ok when none came.
  status wait_error() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::seconds(5), [&] { return !error_.ok(); });
    return error_;
  }
  /// The first error reported, or ok.
  status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  /// The newest record reported durable.
  uint64_t durable() {
    std::lock_guard<std::mutex> lock(mu_);
    return durable_;
  }
  /// The newest record the error was reported for.
  uint64_t failed_seq() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_seq_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  uint64_t durable_ = 0;
  status error_;
  uint64_t failed_seq_ = 0;
};

/// Recovers `dir` into `s` through the POSIX env (a healthy disk);
/// `lines` receives what recovery logged.
inline recovery_report recover_into(const std::string& dir, profile_store& s,
                                    std::vector<std::string>* lines = nullptr) {
  auto r = recover_shard(dir, s, [&](bool, const std::string& line) {
    if (lines)
      lines->push_back(line);
  });
  REQUIRE(r.ok());
  return *r;
}

}  // namespace persona::test
