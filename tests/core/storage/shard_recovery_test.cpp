// Snapshots and recovery of one shard's directory: captures that stay
// consistent while the store changes, snapshot files, WAL replay, torn
// tails, fallback past a corrupt snapshot, and which files are kept.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "core/storage/shard_files.hpp"
#include "core/storage/shard_recovery.hpp"
#include "core/storage/snapshot_file.hpp"
#include "core/storage/wal_record.hpp"
#include "core/storage/wal_writer.hpp"
#include "logged_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

void flip_byte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

}  // namespace

TEST_CASE("a capture is exactly the store at its start while events, attributes and deletes go on") {
  temp_directory tmp;
  logged_store live(tmp.path());
  std::mt19937 rng(3);
  live.ingest(random_events(rng, 3000, 400, t0));
  auto users = user_names(400);
  auto before = images_of(live.store, users);
  live.store.capture().begin(live.store);
  std::vector<captured_profile> captured;
  int round = 0;
  value attrs{value::map{}};
  attrs.set("tier", value{"gold"});
  while (!live.store.capture().slice(live.store, 25, captured)) {
    live.ingest(random_events(rng, 40, 400, t0 + 10000000 + round * 100000));
    live.erase("u" + std::to_string(round * 7 % 400));
    live.set_attrs("u" + std::to_string(round * 11 % 400), attrs);
    live.ingest({make_event("new" + std::to_string(round), event_type::view, t0, "i1")});
    ++round;
  }
  live.store.capture().end();
  CHECK(round > 5);
  std::map<std::string, std::string> got(captured.begin(), captured.end());
  CHECK(got.size() == captured.size());  // each profile once
  CHECK(got == before);
}

TEST_CASE("a snapshot file loads back the same profiles, event count and catalog") {
  temp_directory tmp;
  logged_store live(tmp.path());
  live.upsert(
      {{"i1", {{"books"}, "acme", 10, {}}}, {"i2", {{"toys"}, "", 3, {}}}, {"i3", {{}, "zeta", 1, {}}}});
  std::mt19937 rng(5);
  live.ingest(random_events(rng, 2000, 300, t0));
  auto path = live.snapshot();
  CHECK(fs::path(path).filename() == snapshot_name(live.wal->last_seq()));
  profile_store loaded;
  auto r = load_snapshot(path, loaded);
  REQUIRE(r.ok());
  CHECK(r->profiles == live.store.size());
  CHECK(r->header.events == live.store.stats().events);
  CHECK(loaded.stats().events == live.store.stats().events);
  CHECK(r->catalog->size() == 3);
  CHECK(r->catalog->version() == live.catalog->version());
  CHECK(r->catalog->find("i1")->brand == "acme");
  auto users = user_names(300);
  CHECK(images_of(loaded, users) == images_of(live.store, users));
  CHECK(verify_snapshot(path).ok());

  SECTION("a flipped byte makes it unusable, with the file named") {
    flip_byte(path, fs::file_size(path) / 2);
    profile_store again;
    auto bad = load_snapshot(path, again);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().message(), Catch::Contains(path));
    CHECK_FALSE(verify_snapshot(path).ok());
  }
  SECTION("a file cut before its end record is unusable") {
    fs::resize_file(path, fs::file_size(path) - 10);
    profile_store again;
    CHECK_FALSE(load_snapshot(path, again).ok());
  }
}

TEST_CASE("recovery restores snapshot plus WAL exactly, and a resent event is still a duplicate") {
  temp_directory tmp;
  auto users = user_names(300);
  std::mt19937 rng(11);
  std::map<std::string, std::string> expected;
  uint64_t expected_events = 0;
  std::vector<event> first_batch;
  {
    logged_store live(tmp.path());
    live.upsert({{"i1", {{"books"}, "acme", 10, {}}}});
    first_batch = random_events(rng, 1500, 300, t0);
    live.ingest(first_batch);
    value attrs{value::map{}};
    attrs.set("age", value{int64_t{30}});
    live.set_attrs("u1", attrs);
    live.snapshot([&] { live.ingest(random_events(rng, 20, 300, t0 + 50000000 + rng() % 1000000)); });
    live.ingest(random_events(rng, 1500, 300, t0 + 90000000));
    live.erase("u2");
    live.upsert({{"i2", {{"toys"}, "", 3, {}}}});
    live.ingest({make_event("u3", event_type::view, t0 + 99000000, "i2")});
    expected = images_of(live.store, users);
    expected_events = live.store.stats().events;
  }
  profile_store back;
  std::vector<std::string> lines;
  auto report = recover_into(tmp.path(), back, &lines);
  CHECK_FALSE(report.snapshot.empty());
  CHECK(report.wal_records > 0);
  CHECK(report.bytes_cut == 0);
  CHECK(lines.empty());
  CHECK(images_of(back, users) == expected);
  CHECK(back.find("u2") == nullptr);
  CHECK(back.stats().events == expected_events);
  CHECK(report.catalog->size() == 2);
  // The enrichment of the last event used the catalog of its time.
  REQUIRE(back.find("u3"));
  // Resending an acknowledged event changes nothing.
  auto again = back.apply({first_batch[0]}, {0}, report.catalog.get());
  CHECK(again.accepted == 0);
  CHECK(again.rejected.size() == 1);

  SECTION("a torn tail is cut with a warning naming file and offset, the rest is kept") {
    auto segments = numbered_files(*posix_env().list_directory(tmp.path()), "wal-", ".log");
    auto last = tmp.path() + "/" + wal_segment_name(segments.back());
    auto good_size = fs::file_size(last);
    std::ofstream(last, std::ios::app | std::ios::binary) << std::string("\x30\x00\x00\x00garbage", 11);
    profile_store cut;
    std::vector<std::string> warnings;
    auto r = recover_into(tmp.path(), cut, &warnings);
    CHECK(r.bytes_cut == 11);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::Contains(last) && Catch::Contains("offset " + std::to_string(good_size)));
    CHECK(fs::file_size(last) == good_size);
    CHECK(images_of(cut, users) == expected);
  }
  SECTION("a corrupt newest snapshot falls back to the one before and a longer WAL") {
    // A second snapshot, then damage it.
    {
      profile_store s;
      auto r = recover_into(tmp.path(), s);
      logged_store live(tmp.path(), r.last_seq + 1);
      live.store = std::move(s);
      live.catalog = r.catalog;
      auto newest = live.snapshot();
      flip_byte(newest, 40);
    }
    profile_store fallback;
    std::vector<std::string> warnings;
    auto r = recover_into(tmp.path(), fallback, &warnings);
    CHECK(r.snapshots_skipped == 1);
    REQUIRE_FALSE(warnings.empty());
    CHECK_THAT(warnings[0], Catch::Contains("falling back"));
    CHECK(images_of(fallback, users) == expected);
    CHECK(fallback.stats().events == expected_events);
  }
}

TEST_CASE("after a snapshot, older snapshots but one and the WAL they cover are removed") {
  temp_directory tmp;
  logged_store live(tmp.path());
  std::mt19937 rng(2);
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 3; ++i) {
    live.ingest(random_events(rng, 200, 50, t0 + i * 10000000));
    live.snapshot();
    seqs.push_back(live.wal->last_seq());
  }
  auto names = *posix_env().list_directory(tmp.path());
  CHECK(numbered_files(names, "snapshot-", ".snap").size() == 3);
  prune_shard_files(tmp.path(), seqs[2], false);
  names = *posix_env().list_directory(tmp.path());
  CHECK(numbered_files(names, "snapshot-", ".snap") == std::vector<uint64_t>{seqs[1], seqs[2]});
  // Segments start after each snapshot; the one before seqs[1] is gone.
  CHECK(numbered_files(names, "wal-", ".log") == std::vector<uint64_t>{seqs[1] + 1, seqs[2] + 1});

  SECTION("dropping the fallback leaves only the newest snapshot and the WAL after it") {
    prune_shard_files(tmp.path(), seqs[2], true);
    names = *posix_env().list_directory(tmp.path());
    CHECK(numbered_files(names, "snapshot-", ".snap") == std::vector<uint64_t>{seqs[2]});
    CHECK(numbered_files(names, "wal-", ".log") == std::vector<uint64_t>{seqs[2] + 1});
  }
}

TEST_CASE("recovery feeds the item model the WAL records after those it holds, from a snapshot it covers") {
  temp_directory tmp;
  auto users = user_names(200);
  std::mt19937 rng(5);
  std::map<std::string, std::string> expected;
  uint64_t covered = 0;
  size_t interactions_after = 0;
  {
    logged_store live(tmp.path());
    live.ingest(random_events(rng, 500, 200, t0));
    live.snapshot();
    live.ingest(random_events(rng, 500, 200, t0 + 10000000));
    // The item model's state holds the records up to here.
    covered = live.wal->last_seq();
    item_model_config weights;
    for (int64_t at : {t0 + 20000000, t0 + 30000000}) {
      auto events = random_events(rng, 500, 200, at);
      for (auto& e : events)
        interactions_after += weights.weights[static_cast<size_t>(e.type)] > 0;
      live.ingest(events);
      if (at == t0 + 20000000)
        live.snapshot();
    }
    expected = images_of(live.store, users);
  }
  auto items = std::make_shared<name_index>(), categories = std::make_shared<name_index>(),
       brands = std::make_shared<name_index>();
  model_feed feed(items, categories, brands, item_model_config{});
  recovery_feed catch_up;
  catch_up.after_seq = covered;
  catch_up.feed = &feed;
  std::vector<uint64_t> fed;
  catch_up.fed = [&](uint64_t seq) { fed.push_back(seq); };
  profile_store back;
  auto report = recover_shard(
      tmp.path(), back, [](bool, const std::string&) {}, posix_env(), &catch_up);
  REQUIRE(report.ok());
  // The older snapshot (at or before the covered record), then every record after it.
  auto [newest, at_most] = snapshot_seqs(tmp.path(), covered);
  CHECK(newest > covered);
  CHECK(report->snapshot == tmp.path() + "/" + snapshot_name(at_most));
  CHECK(images_of(back, users) == expected);
  REQUIRE_FALSE(fed.empty());
  CHECK(fed.front() == covered + 1);
  CHECK(fed.back() == report->last_seq);
  CHECK(fed.size() == report->last_seq - covered);
  // The feed saw the interactions of those records only.
  CHECK(feed.take().signals.size() == interactions_after);
  CHECK(back.feed() == nullptr);
}
