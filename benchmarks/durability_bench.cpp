// persona-bench-durability: what durability costs and how fast it is, in
// process, on the simulated shop of persona-bench-engine:
//
//   1. ingest events/s with no data directory and under each fsync policy,
//      as a ratio to fsync=none (every policy writes the WAL; they differ
//      in when it is synced); then fsync=batch with its records sealed
//      (AES-256-GCM) and with user ids pseudonymised, each as a ratio to
//      fsync=batch in clear, run just before it;
//   2. a snapshot of --users profiles (default 1 million): duration, bytes,
//      MB/s, and the longest pause of a shard meanwhile, seen by a reader
//      that asks get_profile without a break (with the same reader's
//      longest wait outside a snapshot for comparison);
//   3. the same for --pause-users profiles (default 500,000);
//   4. recovery of the snapshot of step 2 plus --wal-events events
//      (default 1 million) logged after it.
//
// Data goes to --data-dir (default: a new directory under /tmp), removed at
// the end. Reproduce with scripts/bench-durability.sh (docs/benchmarks.md).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "actors/engine.hpp"
#include "bench_driver.hpp"
#include "core/util/command_line.hpp"
#include "examples/workload.hpp"

using namespace persona;
using namespace persona::bench;
namespace fs = std::filesystem;

namespace {

struct settings {
  uint64_t users = 1000000;
  uint64_t pause_users = 500000;
  uint64_t wal_events = 1000000;
  uint64_t fsync_users = 200000;
  uint64_t fsync_events = 2000000;
  size_t shards = 2;
  size_t batch = 500;
  size_t window = 8;
  std::string data_dir;
};

engine_options options_for(const settings& s, const std::string& dir, fsync_policy fsync) {
  engine_options o;
  o.shards = s.shards;
  o.worker_threads = 2;
  o.data_dir = dir;
  o.fsync = fsync;
  o.snapshot_interval = std::chrono::milliseconds(0);  // only when the benchmark asks
  return o;
}

/// Creates a profile for each of `users`, then applies `events` more.
double fill(engine& eng, workload& shop, const settings& s, uint64_t users, uint64_t events) {
  uint64_t rejected = 0;
  auto populate = make_batches(shop, users, s.batch, true);
  drive(eng, populate, s.window, rejected);
  auto steady = make_batches(shop, events, s.batch, false);
  return drive(eng, steady, s.window, rejected);
}

/// get_profile without a break, from one thread, until stopped: the
/// longest wait it saw.
class reader_probe {
 public:
  reader_probe(engine& eng, uint64_t users) : eng_(eng), users_(users) {
    thread_ = std::thread([this] { run(); });
  }
  ~reader_probe() { stop(); }
  /// Forgets the longest wait so far.
  void reset() { longest_us_ = 0; }
  double longest_ms() const { return longest_us_.load() / 1000.0; }
  uint64_t reads() const { return reads_.load(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable())
      thread_.join();
  }

 private:
  void run() {
    std::mt19937_64 rng(42);
    while (!stopping_) {
      auto user = workload::user_id(rng() % users_);
      auto t = clock_type::now();
      eng_.get_profile_sync(user, value{value::map{{"fields", value{value::array{value{"counts"}}}}}});
      auto us =
          static_cast<uint64_t>(std::chrono::duration<double, std::micro>(clock_type::now() - t).count());
      auto seen = longest_us_.load();
      while (us > seen && !longest_us_.compare_exchange_weak(seen, us)) {
      }
      ++reads_;
    }
  }

  engine& eng_;
  uint64_t users_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> longest_us_{0};
  std::atomic<uint64_t> reads_{0};
  std::thread thread_;
};

/// Step 1.
void compare_fsync(const settings& s, workload_options wo) {
  std::printf("\n== ingest under each fsync policy: %llu users, then %llu events ==\n",
              static_cast<unsigned long long>(s.fsync_users),
              static_cast<unsigned long long>(s.fsync_events));
  std::printf("%-22s %14s %12s\n", "policy", "events/s", "vs none");
  wo.users = s.fsync_users;
  double none_rate = 0;
  double batch_rate = 0;
  struct run {
    const char* name;
    bool durable;
    fsync_policy policy;
    bool sealed = false;
    bool pseudonymized = false;
  };
  for (auto r : {run{"memory only", false, fsync_policy::none}, run{"fsync=none", true, fsync_policy::none},
                 run{"fsync=batch (100 ms)", true, fsync_policy::batch},
                 run{"fsync=always", true, fsync_policy::always},
                 run{"fsync=batch (100 ms)", true, fsync_policy::batch},
                 run{"batch, sealed", true, fsync_policy::batch, true},
                 run{"batch, pseudonymized", true, fsync_policy::batch, false, true}}) {
    auto dir = s.data_dir + "/fsync";
    fs::remove_all(dir);
    workload shop(wo);
    double rate = 0;
    {
      auto o = options_for(s, r.durable ? dir : "", r.policy);
      if (r.sealed)
        o.encrypt_key = std::string(32, 'k');
      o.pseudonymize_users = r.pseudonymized;
      o.hash_key = {0x1234, 0x5678};
      engine eng(o);
      if (!eng.wait_ready().ok())
        return;
      eng.upsert_items_sync(shop.catalog());
      double secs = fill(eng, shop, s, s.fsync_users, s.fsync_events);
      rate = s.fsync_events / secs;
    }
    if (r.durable && r.policy == fsync_policy::none)
      none_rate = rate;
    if (r.policy == fsync_policy::batch && !r.sealed && !r.pseudonymized)
      batch_rate = rate;
    if (r.sealed || r.pseudonymized)
      std::printf("%-22s %14.0f %11.1f%% of batch in clear\n", r.name, rate, 100.0 * rate / batch_rate);
    else if (none_rate > 0)
      std::printf("%-22s %14.0f %11.1f%%\n", r.name, rate, 100.0 * rate / none_rate);
    else
      std::printf("%-22s %14.0f %12s\n", r.name, rate, "-");
  }
  fs::remove_all(s.data_dir + "/fsync");
}

/// Steps 2 and 3: a snapshot of `users` profiles with a reader probing.
void snapshot_with_probe(engine& eng, uint64_t users, const char* label) {
  reader_probe probe(eng, users);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  double idle_longest = probe.longest_ms();
  probe.reset();
  auto t = clock_type::now();
  auto snap = eng.snapshot_sync();
  double secs = seconds_since(t);
  double pause = probe.longest_ms();
  auto reads = probe.reads();
  probe.stop();
  if (!snap.ok()) {
    std::printf("snapshot failed: %s\n", snap.error().message().c_str());
    return;
  }
  double mb = static_cast<double>(snap->find("bytes")->as_int()) / 1e6;
  std::printf(
      "%-9s %10llu profiles: %6.2f s, %8.1f MB, %6.1f MB/s; longest read wait %6.1f ms during it "
      "(%5.1f ms in 2 s without one; %llu reads)\n",
      label, static_cast<unsigned long long>(users), secs, mb, mb / secs, pause, idle_longest,
      static_cast<unsigned long long>(reads));
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--help")) {
    std::printf(
        "usage: persona-bench-durability [--users=1000000] [--pause-users=500000] [--wal-events=1000000]\n"
        "                                [--fsync-users=200000] [--fsync-events=2000000] [--shards=2]\n"
        "                                [--data-dir=DIR] [--skip-fsync]\n");
    return 0;
  }
  if (auto wrong =
          unknown_flag(argc, argv, "users pause-users wal-events fsync-users fsync-events shards data-dir",
                       "help skip-fsync");
      !wrong.empty()) {
    std::fprintf(stderr, "persona-bench-durability: %s\n", wrong.c_str());
    return 2;
  }
  settings s;
  s.users = flag_value(argc, argv, "users", s.users);
  s.pause_users = flag_value(argc, argv, "pause-users", s.pause_users);
  s.wal_events = flag_value(argc, argv, "wal-events", s.wal_events);
  s.fsync_users = flag_value(argc, argv, "fsync-users", s.fsync_users);
  s.fsync_events = flag_value(argc, argv, "fsync-events", s.fsync_events);
  s.shards = flag_value(argc, argv, "shards", s.shards);
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--data-dir=", 11) == 0)
      s.data_dir = argv[i] + 11;
  bool own_dir = s.data_dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "persona-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    s.data_dir = pattern;
  }
  std::printf("persona-bench-durability: %zu shards, batches of %zu, %zu in flight, data in %s\n", s.shards,
              s.batch, s.window, s.data_dir.c_str());
  workload_options wo;
  if (!has_flag(argc, argv, "--skip-fsync"))
    compare_fsync(s, wo);

  std::printf("\n== snapshots, with a reader asking get_profile throughout ==\n");
  {
    auto dir = s.data_dir + "/pause";
    wo.users = s.pause_users;
    workload shop(wo);
    engine eng(options_for(s, dir, fsync_policy::batch));
    if (!eng.wait_ready().ok())
      return 1;
    eng.upsert_items_sync(shop.catalog());
    fill(eng, shop, s, s.pause_users, s.pause_users);
    snapshot_with_probe(eng, s.pause_users, "snapshot");
  }
  fs::remove_all(s.data_dir + "/pause");

  auto dir = s.data_dir + "/recovery";
  wo.users = s.users;
  {
    workload shop(wo);
    engine eng(options_for(s, dir, fsync_policy::batch));
    if (!eng.wait_ready().ok())
      return 1;
    eng.upsert_items_sync(shop.catalog());
    fill(eng, shop, s, s.users, s.users);
    snapshot_with_probe(eng, s.users, "snapshot");
    uint64_t rejected = 0;
    auto after = make_batches(shop, s.wal_events, s.batch, false);
    drive(eng, after, s.window, rejected);
  }  // no snapshot at the end: the WAL holds the last events
  std::printf("\n== recovery: the snapshot of %llu profiles plus %llu events in the WAL ==\n",
              static_cast<unsigned long long>(s.users), static_cast<unsigned long long>(s.wal_events));
  {
    auto t = clock_type::now();
    engine eng(options_for(s, dir, fsync_policy::batch));
    auto st = eng.wait_ready();
    double secs = seconds_since(t);
    if (!st.ok()) {
      std::printf("recovery failed: %s\n", st.message().c_str());
      return 1;
    }
    auto stats = eng.stats_sync();
    std::printf("recovered %lld profiles in %.2f s (until ready)\n",
                static_cast<long long>(stats->find("users")->as_int()), secs);
  }
  if (own_dir)
    fs::remove_all(s.data_dir);
  return 0;
}
