// The engine starting over damaged files: a data directory with real WAL
// segments and a snapshot is damaged many times over, one random
// corruption at a time (a truncation inside a record, bit flips, a record
// declaring a huge length, or a record with a good checksum declaring a
// huge count inside), and the engine must start every time, report the
// damaged file, and serve. Seeded: PERSONA_CORRUPTION_SEED and
// PERSONA_CORRUPTION_CASES (default 25 and 30) reproduce or widen a run.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

#include "actors/engine.hpp"
#include "core/storage/record_file.hpp"
#include "core/storage/shard_files.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;
namespace fs = std::filesystem;

namespace {

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::strtoull(text, nullptr, 10) : fallback;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

/// A record's frame in a file: where it starts and how long it is.
struct frame {
  size_t offset = 0;
  size_t size = 0;
  uint64_t seq = 0;
  uint8_t kind = 0;
};

std::vector<frame> frames_of(const std::string& bytes) {
  std::vector<frame> out;
  size_t at = 0;
  while (at + record_header_bytes <= bytes.size()) {
    uint32_t length = 0;
    std::memcpy(&length, bytes.data() + at, 4);
    frame f{at, record_header_bytes + length, 0, static_cast<uint8_t>(bytes[at + 16])};
    std::memcpy(&f.seq, bytes.data() + at + 8, 8);
    out.push_back(f);
    at += f.size;
  }
  return out;
}

/// Writes a data directory of two shards: a catalog, events, attributes
/// and a segment, a snapshot, then more of each in the WAL after it.
void write_data(const std::string& dir) {
  engine eng(test_engine(2, dir));
  REQUIRE(eng.wait_ready().ok());
  REQUIRE(eng
              .upsert_items_sync(value{value::array{
                  map_of({{"item", value{"item1"}}, {"category", value{"books"}}, {"price", value{12.0}}})}})
              .ok());
  std::vector<event> events;
  for (int i = 0; i < 400; ++i)
    events.push_back(make_event("u" + std::to_string(i % 40),
                                i % 5 ? event_type::view : event_type::add_to_cart, t0 + i * 1000,
                                "item" + std::to_string(i % 7)));
  REQUIRE(eng.ingest_sync(events).ok());
  REQUIRE(eng.set_attributes_sync("u1", map_of({{"tier", value{"gold"}}})).ok());
  REQUIRE(eng.define_segment_sync(
                 "carts",
                 map_of({{"field", value{"counts.add_to_cart"}}, {"op", value{">="}}, {"value", value{1}}}))
              .ok());
  REQUIRE(eng.snapshot_sync().ok());
  for (auto& e : events)
    e.ts += days(1);
  REQUIRE(eng.ingest_sync(events).ok());
  REQUIRE(eng.delete_profile_sync("u2").ok());
  REQUIRE(eng.set_attributes_sync("u3", map_of({{"tier", value{"silver"}}})).ok());
}

/// The files recovery reads: each shard's newest snapshot and the WAL
/// segments with records after it.
std::vector<fs::path> files_read(const std::string& data_dir) {
  std::vector<fs::path> out;
  for (uint32_t shard = 0; shard < 2; ++shard) {
    auto dir = shard_directory(data_dir, shard);
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(dir))
      names.push_back(e.path().filename().string());
    auto snapshots = numbered_files(names, "snapshot-", ".snap");
    uint64_t snapshot_seq = snapshots.empty() ? 0 : snapshots.back();
    if (!snapshots.empty())
      out.emplace_back(dir + "/" + snapshot_name(snapshot_seq));
    auto segments = numbered_files(names, "wal-", ".log");
    for (size_t i = 0; i < segments.size(); ++i)
      if (i + 1 == segments.size() || segments[i + 1] - 1 > snapshot_seq)
        if (fs::file_size(dir + "/" + wal_segment_name(segments[i])) > 0)
          out.emplace_back(dir + "/" + wal_segment_name(segments[i]));
  }
  return out;
}

/// Damages `bytes` (a file of framed records) in one of four ways; says how.
std::string corrupt(std::string& bytes, bool snapshot, std::mt19937_64& rng) {
  auto frames = frames_of(bytes);
  REQUIRE(!frames.empty());
  auto& f = frames[rng() % frames.size()];
  switch (rng() % 4) {
    case 0: {  // a truncation inside a record
      size_t at = f.offset + 1 + rng() % (f.size - 1);
      bytes.resize(at);
      return "truncated at " + std::to_string(at);
    }
    case 1: {  // bit flips within one record
      // Distinct bits, so no flip undoes another.
      std::set<uint64_t> bits;
      size_t flips = 1 + rng() % 8;
      while (bits.size() < flips)
        bits.insert(rng() % (f.size * 8));
      for (auto b : bits)
        bytes[f.offset + b / 8] ^= static_cast<char>(1u << (b % 8));
      return std::to_string(flips) + " bit flips in the record at " + std::to_string(f.offset);
    }
    case 2: {  // a record declaring a huge length
      uint32_t length = rng() % 2 ? max_record_payload : 0xfffffff0u;
      std::memcpy(&bytes[f.offset], &length, sizeof length);
      return "a length of " + std::to_string(length) + " at " + std::to_string(f.offset);
    }
    default: {  // a good checksum over a payload declaring a huge count
      std::string payload = bytes.substr(f.offset + record_header_bytes, f.size - record_header_bytes);
      // Catalog payloads (WAL kind 5, snapshot kind 2) open with a u64
      // version and then a count.
      bool catalog = f.kind == (snapshot ? 2 : 5);
      if (snapshot && !catalog) {
        // Other snapshot records are msgpack: an array32 of 2^32 - 1 elements.
        payload.insert(0, "\xdd\xff\xff\xff\xff");
      } else {
        // WAL payloads open with a count or a string length (a varint):
        // 2^62 in its place.
        size_t start = catalog ? 8 : 0, end = start;
        while (end < payload.size() && (static_cast<uint8_t>(payload[end]) & 0x80))
          ++end;
        payload.replace(start, std::min(end + 1, payload.size()) - start,
                        "\x80\x80\x80\x80\x80\x80\x80\x80\x40");
      }
      std::string framed;
      append_record(framed, f.seq, f.kind, payload);
      bytes.replace(f.offset, f.size, framed);
      return "a huge count under a good checksum in the record at " + std::to_string(f.offset);
    }
  }
}

}  // namespace

TEST_CASE("the engine starts over every random corruption of its WAL and snapshots, and reports it") {
  temp_directory root;
  auto pristine = root.path() + "/pristine";
  write_data(pristine);
  auto seed = env_number("PERSONA_CORRUPTION_SEED", 25);
  auto cases = env_number("PERSONA_CORRUPTION_CASES", 30);
  std::mt19937_64 rng(seed);
  for (uint64_t n = 0; n < cases; ++n) {
    auto dir = root.path() + "/case";
    fs::remove_all(dir);
    fs::copy(pristine, dir, fs::copy_options::recursive);
    auto files = files_read(dir);
    REQUIRE(!files.empty());
    auto target = files[rng() % files.size()];
    auto bytes = read_bytes(target);
    bool snapshot = target.extension() == ".snap";
    auto how = corrupt(bytes, snapshot, rng);
    write_bytes(target, bytes);
    INFO("seed " << seed << ", case " << n << ": " << target.string() << ", " << how);

    std::mutex mu;
    std::vector<std::string> warnings;
    auto opts = test_engine(2, dir);
    opts.log = [&](bool warning, const std::string& line) {
      std::lock_guard<std::mutex> guard(mu);
      if (warning)
        warnings.push_back(line);
    };
    engine eng(opts);
    REQUIRE(eng.wait_ready().ok());
    {
      std::lock_guard<std::mutex> guard(mu);
      bool reported = false;
      for (auto& w : warnings)
        reported = reported || w.find(target.string()) != std::string::npos;
      INFO("warnings: " << warnings.size());
      CHECK(reported);
    }
    // The node serves: reads, queries and new writes.
    CHECK(eng.stats_sync().ok());
    CHECK(eng.query_sync(map_of({{"field", value{"counts.view"}}, {"op", value{">="}}, {"value", value{1}}}))
              .ok());
    CHECK(eng.ingest_sync({make_event("after", event_type::view, t0 + days(3), "item1")}).ok());
    CHECK(eng.get_profile_sync("after").ok());
  }
}
