// A failing disk under the WAL and snapshots (faulty_env.hpp): a full
// disk, a failed fsync, a write torn short, a snapshot that cannot be
// written or renamed. Each answers an error, never an acknowledgement, and
// recovery on a healthy disk brings back every change acknowledged before.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "core/storage/record_file.hpp"
#include "core/storage/shard_files.hpp"
#include "core/storage/wal_record.hpp"
#include "core/storage/wal_writer.hpp"
#include "faulty_env.hpp"
#include "logged_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

/// `n` views of `user`, each with an id.
std::vector<event> views_of(const std::string& user, int n) {
  std::vector<event> out;
  for (int i = 0; i < n; ++i)
    out.push_back(with_id(make_event(user, event_type::view, t0 + i * 1000, "i" + std::to_string(i)),
                          user + "-" + std::to_string(i)));
  return out;
}

/// A WAL on a faulty disk, and the store its acknowledged batches made.
struct wal_on_faulty_disk {
  faulty_env env;
  durable_watch watch;
  std::unique_ptr<wal_writer> wal;
  std::shared_ptr<const item_catalog> catalog = std::make_shared<const item_catalog>();
  profile_store acked;
  std::string dir;

  wal_on_faulty_disk(std::string d, fsync_policy policy) : dir(std::move(d)) {
    auto w = wal_writer::open(dir, 1, policy, std::chrono::milliseconds(20), watch.callback(), env);
    REQUIRE(w.ok());
    wal = std::move(*w);
  }

  /// Appends the batch of `user` (`n` views); its sequence number.
  result<uint64_t> append(const std::string& user, int n = 3) {
    std::string payload;
    encode_batch_payload(payload, views_of(user, n));
    return wal->append(static_cast<uint8_t>(wal_kind::batch), payload);
  }

  /// Appends the batches of u1..u<n>, waits until they are acknowledged,
  /// and applies them to `acked`.
  void append_acknowledged(int n) {
    for (int i = 1; i <= n; ++i)
      REQUIRE(append("u" + std::to_string(i)).ok());
    REQUIRE(watch.wait_durable(n));
    for (int i = 1; i <= n; ++i) {
      auto events = views_of("u" + std::to_string(i), 3);
      acked.apply(events, indices_for(events.size()), catalog.get());
    }
  }

  std::string segment() const { return dir + "/" + wal_segment_name(1); }
};

/// Views of `user` in `s`: 0 when absent.
uint64_t views_in(const profile_store& s, const std::string& user) {
  auto* p = s.find(user);
  return p ? p->counts[static_cast<size_t>(event_type::view)] : 0;
}

}  // namespace

TEST_CASE(
    "a full disk during a WAL append answers an error, and every record acknowledged before it is "
    "recovered") {
  temp_directory tmp;
  auto users = user_names(12);
  uint64_t good_size = 0;
  {
    wal_on_faulty_disk disk(tmp.path(), GENERATE(fsync_policy::batch, fsync_policy::always));
    disk.append_acknowledged(10);
    good_size = fs::file_size(disk.segment());
    // Room for half of the next record: it is written in part, then ENOSPC.
    std::string payload;
    encode_batch_payload(payload, views_of("u11", 3));
    uint64_t half = (record_header_bytes + payload.size()) / 2;
    disk.env.set_free_space(half);
    REQUIRE(disk.append("u11").ok());
    auto error = disk.watch.wait_error();
    REQUIRE_FALSE(error.ok());
    CHECK(error.code() == error_code::unavailable);
    CHECK_THAT(error.message(),
               Catch::Contains(disk.segment()) && Catch::Contains("No space left on device"));
    CHECK(disk.watch.durable() == 10);
    CHECK(fs::file_size(disk.segment()) == good_size + half);
    // The log takes nothing more.
    CHECK_FALSE(disk.append("u12").ok());
    auto expected = images_of(disk.acked, users);
    disk.wal.reset();

    profile_store back;
    std::vector<std::string> warnings;
    auto report = recover_into(tmp.path(), back, &warnings);
    CHECK(images_of(back, users) == expected);
    CHECK(report.wal_records == 10);
    CHECK(report.bytes_cut == half);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0],
               Catch::Contains(disk.segment()) && Catch::Contains("offset " + std::to_string(good_size)));
  }
  CHECK(fs::file_size(tmp.path() + "/" + wal_segment_name(1)) == good_size);
}

TEST_CASE("under fsync=always a failed fsync is answered as an error, never as an acknowledgement") {
  temp_directory tmp;
  auto users = user_names(8);
  std::map<std::string, std::string> expected;
  {
    wal_on_faulty_disk disk(tmp.path(), fsync_policy::always);
    disk.append_acknowledged(5);
    disk.env.set_fail_syncs(true);
    REQUIRE(disk.append("u6").ok());
    auto error = disk.watch.wait_error();
    REQUIRE_FALSE(error.ok());
    CHECK(error.code() == error_code::unavailable);
    CHECK_THAT(error.message(), Catch::Contains("syncing") && Catch::Contains("Input/output error"));
    CHECK(disk.watch.failed_seq() >= 6);
    CHECK(disk.watch.durable() == 5);
    CHECK(disk.wal->synced_seq() == 5);
    // Syncs work again, but the log stays stopped: the failed sync may
    // have dropped bytes a later one would report synced.
    disk.env.set_fail_syncs(false);
    auto refused = disk.append("u7");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message() == error.message());
    CHECK_THAT(error.message(), Catch::Contains("takes no more changes"));
    expected = images_of(disk.acked, users);
  }
  profile_store back;
  recover_into(tmp.path(), back);
  auto got = images_of(back, users);
  for (auto& [user, image] : expected)
    CHECK(got[user] == image);
  // The unacknowledged batch is there whole or not at all.
  auto views = views_in(back, "u6");
  CHECK((views == 0 || views == 3));
}

TEST_CASE(
    "a write torn short leaves a tail that recovery cuts with a warning, keeping everything before it") {
  temp_directory tmp;
  auto users = user_names(12);
  wal_on_faulty_disk disk(tmp.path(), fsync_policy::batch);
  disk.append_acknowledged(10);
  auto good_size = fs::file_size(disk.segment());
  // Three bytes a write(2), and the device fails after ten of them.
  disk.env.set_max_write(3);
  disk.env.fail_next_write(10);
  REQUIRE(disk.append("u11").ok());
  auto error = disk.watch.wait_error();
  REQUIRE_FALSE(error.ok());
  CHECK_THAT(error.message(), Catch::Contains(disk.segment()) && Catch::Contains("Input/output error"));
  CHECK(disk.watch.durable() == 10);
  CHECK(fs::file_size(disk.segment()) == good_size + 10);
  auto expected = images_of(disk.acked, users);
  disk.wal.reset();

  profile_store back;
  std::vector<std::string> warnings;
  auto report = recover_into(tmp.path(), back, &warnings);
  CHECK(report.bytes_cut == 10);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains(disk.segment()) &&
                              Catch::Contains("offset " + std::to_string(good_size)) &&
                              Catch::Contains("cut 10 byte(s)"));
  CHECK(fs::file_size(disk.segment()) == good_size);
  CHECK(images_of(back, users) == expected);
  CHECK(back.find("u11") == nullptr);
}

TEST_CASE("a snapshot whose write, sync or rename fails leaves the previous snapshot and the WAL usable") {
  temp_directory tmp;
  faulty_env env;
  auto users = user_names(100);
  std::mt19937 rng(9);
  std::string previous;
  std::map<std::string, std::string> expected;
  {
    logged_store live(tmp.path(), 1, env);
    live.ingest(random_events(rng, 800, 100, t0));
    live.ingest({make_event("gone", event_type::view, t0, "i1")});
    previous = live.snapshot();
    live.ingest(random_events(rng, 400, 100, t0 + days(1)));
    live.erase("gone");
    live.set_attrs("u4", map_of({{"tier", value{"gold"}}}));
    // What the WAL holds is on disk before the fault, which is then the
    // snapshot's alone (the WAL's thread would otherwise race it).
    REQUIRE(live.wal->flush().ok());

    snapshot_writer::outcome failed;
    SECTION("its write fails: the disk is full") {
      env.set_free_space(2000);
      failed = live.try_snapshot();
      CHECK_THAT(failed.st.message(), Catch::Contains("No space left on device"));
      env.set_free_space(faulty_env::unlimited);
    }
    SECTION("its sync fails") {
      env.set_fail_syncs(true);
      failed = live.try_snapshot();
      CHECK_THAT(failed.st.message(), Catch::Contains("syncing"));
      env.set_fail_syncs(false);
    }
    SECTION("its rename fails") {
      env.set_fail_renames(true);
      failed = live.try_snapshot();
      CHECK_THAT(failed.st.message(), Catch::Contains("renaming"));
      env.set_fail_renames(false);
    }
    REQUIRE_FALSE(failed.st.ok());
    CHECK(failed.st.code() == error_code::unavailable);
    CHECK_THAT(failed.st.message(), Catch::Contains(failed.path));
    // Nothing of it is left; the previous snapshot is.
    auto names = *env.list_directory(tmp.path());
    for (auto& n : names)
      CHECK(n.find(".tmp") == std::string::npos);
    CHECK(numbered_files(names, "snapshot-", ".snap").size() == 1);
    CHECK(fs::exists(previous));
    // The WAL goes on.
    live.ingest(random_events(rng, 200, 100, t0 + days(2)));
    expected = images_of(live.store, users);
  }
  profile_store back;
  std::vector<std::string> warnings;
  auto report = recover_into(tmp.path(), back, &warnings);
  CHECK(report.snapshot == previous);
  CHECK(warnings.empty());
  CHECK(images_of(back, users) == expected);
  CHECK(back.find("gone") == nullptr);
}

TEST_CASE(
    "a failed snapshot at the WAL record of the previous one leaves that one, even when it is the only one") {
  // An idle shard snapshots again at the same record; when deletes had
  // made the snapshot before drop its fallback and the WAL before it,
  // that snapshot is all there is of those changes.
  temp_directory tmp;
  faulty_env env;
  auto users = user_names(100);
  std::mt19937 rng(4);
  std::string only;
  std::map<std::string, std::string> expected;
  {
    logged_store live(tmp.path(), 1, env);
    live.ingest(random_events(rng, 800, 100, t0));
    live.snapshot();
    live.ingest(random_events(rng, 400, 100, t0 + days(1)));
    live.erase("u5");
    only = live.snapshot();
    prune_shard_files(tmp.path(), live.wal->last_seq(), true, env);
    auto names = *env.list_directory(tmp.path());
    REQUIRE(numbered_files(names, "snapshot-", ".snap").size() == 1);

    snapshot_writer::outcome failed;
    SECTION("its write fails") {
      env.set_free_space(2000);
      failed = live.try_snapshot();
      env.set_free_space(faulty_env::unlimited);
    }
    SECTION("its sync fails") {
      env.set_fail_syncs(true);
      failed = live.try_snapshot();
      env.set_fail_syncs(false);
    }
    SECTION("its rename fails") {
      env.set_fail_renames(true);
      failed = live.try_snapshot();
      env.set_fail_renames(false);
    }
    REQUIRE_FALSE(failed.st.ok());
    CHECK(failed.path == only);
    CHECK(fs::exists(only));
    expected = images_of(live.store, users);
  }
  profile_store back;
  auto report = recover_into(tmp.path(), back);
  CHECK(report.snapshot == only);
  CHECK(images_of(back, users) == expected);
}
