// One shard's write-ahead log (core/storage/wal_writer.hpp): sequence
// numbers and segments, when each fsync policy reports a record durable,
// short writes, what the destructor writes, and what a failed write or
// sync does to the records behind it.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "core/storage/record_file.hpp"
#include "core/storage/shard_files.hpp"
#include "core/storage/wal_writer.hpp"
#include "faulty_env.hpp"
#include "logged_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

/// Every record of the segment starting at `first_seq` in `dir`.
std::vector<file_record> records_of(const std::string& dir, uint64_t first_seq,
                                    record_reader::outcome* last = nullptr) {
  auto file = posix_env().open_for_read(dir + "/" + wal_segment_name(first_seq));
  REQUIRE(file.ok());
  record_reader reader(std::move(*file));
  std::vector<file_record> out;
  file_record r;
  record_reader::outcome o;
  while ((o = reader.next(r)) == record_reader::outcome::record)
    out.push_back(r);
  if (last)
    *last = o;
  return out;
}

uint64_t bytes_in(const std::string& dir) {
  uint64_t n = 0;
  for (auto& f : fs::directory_iterator(dir))
    n += fs::file_size(f.path());
  return n;
}

}  // namespace

TEST_CASE("under fsync=always every append is covered by a sync callback, in groups") {
  temp_directory tmp;
  std::atomic<uint64_t> covered{0};
  std::atomic<int> calls{0};
  auto w = wal_writer::open(tmp.path(), 1, fsync_policy::always, std::chrono::milliseconds(100),
                            [&](uint64_t seq, const status& st) {
                              CHECK(st.ok());
                              covered = seq;
                              ++calls;
                            });
  REQUIRE(w.ok());
  for (int i = 0; i < 200; ++i)
    REQUIRE((*w)->append(1, "payload").ok());
  for (int i = 0; i < 500 && covered.load() < 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(covered.load() == 200);
  CHECK((*w)->synced_seq() == 200);
  CHECK(calls.load() >= 1);
  CHECK(calls.load() <= 200);
  CHECK(parse_fsync_policy("batch") == fsync_policy::batch);
  CHECK_FALSE(parse_fsync_policy("sometimes").has_value());
}

TEST_CASE("under fsync=batch a record is durable once written: the callback covers every append, in order") {
  temp_directory tmp;
  std::atomic<uint64_t> covered{0};
  std::atomic<bool> in_order{true};
  auto w = wal_writer::open(tmp.path(), 1, fsync_policy::batch, std::chrono::milliseconds(50),
                            [&](uint64_t seq, const status& st) {
                              CHECK(st.ok());
                              if (seq < covered.load())
                                in_order = false;
                              covered = seq;
                            });
  REQUIRE(w.ok());
  // append() queues: the writer's thread writes, then calls back.
  for (int i = 0; i < 300; ++i)
    REQUIRE((*w)->append(1, "payload " + std::to_string(i)).ok());
  CHECK((*w)->last_seq() == 300);
  for (int i = 0; i < 500 && covered.load() < 300; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(covered.load() == 300);
  CHECK(in_order.load());
  CHECK((*w)->durable_seq() == 300);
  CHECK((*w)->written_seq() == 300);
  // What the callback covered is in the file.
  uint64_t on_disk = 0;
  for (auto& f : fs::directory_iterator(tmp.path()))
    on_disk += fs::file_size(f.path());
  CHECK(on_disk == (*w)->bytes_written());
  // Synced within the interval, without another append.
  for (int i = 0; i < 100 && (*w)->synced_seq() < 300; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK((*w)->synced_seq() == 300);
}

TEST_CASE("records are numbered on from next_seq, and each segment is named after its first record") {
  temp_directory tmp;
  {
    auto w = wal_writer::open(tmp.path(), 5, fsync_policy::none, std::chrono::milliseconds(100), nullptr);
    REQUIRE(w.ok());
    CHECK((*w)->last_seq() == 4);
    for (int i = 0; i < 3; ++i)
      CHECK(*(*w)->append(2, "first " + std::to_string(i)) == uint64_t(5 + i));
    CHECK((*w)->segment_bytes() > 0);
    auto second = (*w)->rotate();
    REQUIRE(second.ok());
    CHECK(*second == 8);
    CHECK((*w)->segment_bytes() == 0);
    CHECK(*(*w)->append(3, "second") == 8);
    CHECK(*(*w)->append(3, "") == 9);
  }
  auto names = *posix_env().list_directory(tmp.path());
  CHECK(numbered_files(names, "wal-", ".log") == std::vector<uint64_t>{5, 8});
  auto first = records_of(tmp.path(), 5);
  REQUIRE(first.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(first[i].seq == uint64_t(5 + i));
    CHECK(first[i].kind == 2);
    CHECK(first[i].payload == "first " + std::to_string(i));
  }
  auto second = records_of(tmp.path(), 8);
  REQUIRE(second.size() == 2);
  CHECK(second[0].seq == 8);
  CHECK(second[0].payload == "second");
  CHECK(second[1].seq == 9);
  CHECK(second[1].payload.empty());
}

TEST_CASE("the destructor writes what was appended, and syncs it unless the policy is none") {
  temp_directory tmp;
  faulty_env env;
  auto policy = GENERATE(fsync_policy::batch, fsync_policy::none);
  uint64_t bytes = 0;
  {
    // An interval that never comes: only the destructor writes and syncs.
    auto w = wal_writer::open(tmp.path(), 1, policy, std::chrono::hours(1), nullptr, env);
    REQUIRE(w.ok());
    CHECK(env.syncs() == 1);  // the directory, for the new segment's name
    for (int i = 0; i < 50; ++i)
      REQUIRE((*w)->append(1, std::string(100, 'x')).ok());
    bytes = (*w)->bytes_written();
  }
  CHECK(bytes_in(tmp.path()) == bytes);
  CHECK(records_of(tmp.path(), 1).size() == 50);
  if (policy == fsync_policy::none)
    CHECK(env.syncs() == 1);
  else
    CHECK(env.syncs() > 1);
}

TEST_CASE("flush and sync_now write and sync on the calling thread") {
  temp_directory tmp;
  auto w = wal_writer::open(tmp.path(), 1, fsync_policy::none, std::chrono::milliseconds(100), nullptr);
  REQUIRE(w.ok());
  REQUIRE((*w)->append(1, "a").ok());
  REQUIRE((*w)->append(1, "b").ok());
  REQUIRE((*w)->flush().ok());
  CHECK((*w)->written_seq() == 2);
  CHECK(bytes_in(tmp.path()) == (*w)->bytes_written());
  REQUIRE((*w)->append(1, "c").ok());
  REQUIRE((*w)->sync_now().ok());
  CHECK((*w)->written_seq() == 3);
  CHECK((*w)->synced_seq() == 3);
}

TEST_CASE("short writes are gone on after: every record lands whole") {
  temp_directory tmp;
  faulty_env env;
  env.set_max_write(7);
  durable_watch watch;
  auto w = wal_writer::open(tmp.path(), 1, fsync_policy::batch, std::chrono::milliseconds(20),
                            watch.callback(), env);
  REQUIRE(w.ok());
  for (int i = 0; i < 100; ++i)
    REQUIRE((*w)->append(1, std::string(i * 13 % 200, static_cast<char>('a' + i % 26))).ok());
  REQUIRE(watch.wait_durable(100));
  CHECK(watch.error().ok());
  CHECK(env.bytes_written() == (*w)->bytes_written());
  record_reader::outcome last;
  auto records = records_of(tmp.path(), 1, &last);
  CHECK(last == record_reader::outcome::end);
  REQUIRE(records.size() == 100);
  for (int i = 0; i < 100; ++i)
    CHECK(records[i].payload == std::string(i * 13 % 200, static_cast<char>('a' + i % 26)));
}

TEST_CASE("after a failed write, the records not written get the error and append refuses, naming the file") {
  temp_directory tmp;
  faulty_env env;
  durable_watch watch;
  auto policy = GENERATE(fsync_policy::always, fsync_policy::batch, fsync_policy::none);
  auto w = wal_writer::open(tmp.path(), 1, policy, std::chrono::milliseconds(20), watch.callback(), env);
  REQUIRE(w.ok());
  for (int i = 0; i < 10; ++i)
    REQUIRE((*w)->append(1, "before").ok());
  REQUIRE(watch.wait_durable(10));
  env.set_free_space(0);
  REQUIRE((*w)->append(1, "after").ok());
  auto error = watch.wait_error();
  REQUIRE_FALSE(error.ok());
  CHECK(error.code() == error_code::unavailable);
  CHECK(watch.failed_seq() == 11);
  CHECK(watch.durable() == 10);
  auto segment = tmp.path() + "/" + wal_segment_name(1);
  CHECK_THAT(error.message(), Catch::Contains(segment) && Catch::Contains("No space left on device") &&
                                  Catch::Contains("takes no more changes"));
  // The disk has room again, but the log stays stopped: the file may end
  // in a torn record, after which nothing may be written.
  env.set_free_space(faulty_env::unlimited);
  auto refused = (*w)->append(1, "later");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message() == error.message());
  CHECK((*w)->written_seq() == 10);
}

TEST_CASE("after a failed sync the log stops: the records not yet durable get the error and append refuses") {
  temp_directory tmp;
  faulty_env env;
  durable_watch watch;
  auto policy = GENERATE(fsync_policy::always, fsync_policy::batch);
  auto w = wal_writer::open(tmp.path(), 1, policy, std::chrono::milliseconds(20), watch.callback(), env);
  REQUIRE(w.ok());
  for (int i = 0; i < 10; ++i)
    REQUIRE((*w)->append(1, "before").ok());
  REQUIRE(watch.wait_durable(10));
  env.set_fail_syncs(true);
  // Under always the record waits for its sync; under batch it is durable
  // once written, and the next periodic sync fails.
  REQUIRE((*w)->append(1, "unsynced").ok());
  auto error = watch.wait_error();
  REQUIRE_FALSE(error.ok());
  CHECK(error.code() == error_code::unavailable);
  CHECK_THAT(error.message(), Catch::Contains("syncing") && Catch::Contains("Input/output error") &&
                                  Catch::Contains("takes no more changes"));
  CHECK(watch.durable() == (policy == fsync_policy::always ? 10u : 11u));
  env.set_fail_syncs(false);
  auto refused = (*w)->append(1, "later");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message() == error.message());
  CHECK_FALSE((*w)->sync_now().ok());
}
