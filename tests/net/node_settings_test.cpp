#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "actors/engine.hpp"
#include "core/os/memory_reserve.hpp"
#include "net/node_config.hpp"
#include "net/node_settings.hpp"

using namespace persona;
using namespace persona::net;

namespace {

bool is_number(setting_kind kind) {
  return kind == setting_kind::count || kind == setting_kind::size || kind == setting_kind::duration;
}

/// The message apply_setting gives for `name=text`, or "" when it is taken.
std::string refusal(const std::string& name, const std::string& text) {
  node_config c;
  return apply_setting(c, name, text).message();
}

/// The source tree, as the build names it.
std::filesystem::path source_dir() {
  return PERSONA_SOURCE_DIR;
}

/// setting -> default, from the table under "## Node settings" in
/// docs/operations.md.
std::map<std::string, std::string> documented_defaults() {
  std::ifstream in(source_dir() / "docs" / "operations.md");
  REQUIRE(in);
  std::map<std::string, std::string> out;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0)
      in_section = line.rfind("## Node settings", 0) == 0;
    if (!in_section || line.rfind("| `", 0) != 0)
      continue;
    auto name_end = line.find("` | ");
    auto default_end = line.find(" | ", name_end + 4);
    REQUIRE(name_end != std::string::npos);
    REQUIRE(default_end != std::string::npos);
    out[line.substr(3, name_end - 3)] = line.substr(name_end + 4, default_end - name_end - 4);
  }
  return out;
}

}  // namespace

TEST_CASE("every setting has a name of its own, a help line and a default within its limits") {
  std::set<std::string> names;
  for (auto& s : node_settings()) {
    INFO(s.name);
    CHECK(names.insert(s.name).second);
    CHECK(find_setting(s.name) == &s);
    CHECK(std::string(s.help).size() > 10);
    if (s.kind == setting_kind::token_list) {
      CHECK(std::holds_alternative<std::monostate>(s.fallback));
      continue;
    }
    auto text = setting_text(s.fallback);
    auto parsed = parse_setting(s, text);
    REQUIRE(parsed.ok());
    CHECK(setting_text(*parsed) == text);
    if (is_number(s.kind)) {
      CHECK(s.limits.min <= s.limits.max);
      CHECK(std::get<uint64_t>(s.fallback) <= s.limits.max);
    }
    if (s.kind == setting_kind::on_off || s.kind == setting_kind::choice)
      CHECK(s.choices.size() >= 2);
  }
  CHECK(find_setting("config") == nullptr);
}

TEST_CASE("the node takes the engine's and the memory reserve's defaults as its own") {
  node_config c;
  const engine_options e;
  const memory_reserve_options m;
  CHECK(c.fsync == e.fsync);
  CHECK(c.fsync_interval_ms == static_cast<uint64_t>(e.fsync_interval.count()));
  CHECK(c.snapshot_interval_s * 1000 == static_cast<uint64_t>(e.snapshot_interval.count()));
  CHECK(c.snapshot_wal_mb << 20 == e.snapshot_wal_bytes);
  CHECK(c.snapshot_timeout_s * 1000 == static_cast<uint64_t>(e.snapshot_timeout.count()));
  CHECK(c.memory_reserve_mb << 20 == m.reserve_bytes);
  CHECK(c.memory_warm_ahead_mb << 20 == m.warm_ahead_bytes);
  CHECK(c.memory_return_freed == m.return_freed);
  CHECK(c.batch_worker_threads == e.batch_worker_threads);
  CHECK(c.thread_slice_us == static_cast<uint64_t>(e.thread_slice.count()));
  CHECK(c.segment_sweep_interval_ms == static_cast<uint64_t>(e.segment_sweep_interval.count()));
  CHECK(c.recommendations == e.recommendations);
  CHECK(c.model_publish_ms == static_cast<uint64_t>(e.model_publish_interval.count()));
  CHECK(c.model_factor_ms == static_cast<uint64_t>(e.model_factor_interval.count()));
  CHECK(c.model_neighbour_ms == static_cast<uint64_t>(e.model_neighbour_interval.count()));
  CHECK(c.model_quiet_ms == static_cast<uint64_t>(e.model_quiet_after.count()));
  CHECK(c.model_save_ms == static_cast<uint64_t>(e.model_save_interval.count()));
  CHECK(c.model_max_waiting_signals == e.model_max_waiting_signals);
  CHECK(c.model_learn_per_s == e.recommend.learn_signals_per_second);
  CHECK(c.propensity_sample_rate == e.propensity.sample_rate);
  CHECK(c.propensity_census_share == e.propensity.census_share);
  CHECK(c.request_timeout_ms == static_cast<uint64_t>(e.shard_timeout.count()));
  CHECK(c.max_batch_events == e.max_batch_events);
  CHECK(c.max_condition_nodes == e.requests.max_condition_nodes);
  CHECK(c.max_in_values == e.requests.max_in_values);
  CHECK(c.max_aggregates == e.requests.max_aggregates);
  CHECK(c.shard_slice_events == e.shard_slice_events);
  CHECK(c.tokens.empty());
}

TEST_CASE("an unknown setting is refused with a pointer to --help") {
  CHECK(refusal("colour", "red") == "unknown setting 'colour'; personad --help lists every setting");
  CHECK(refusal("config", "x.conf") == "unknown setting 'config'; personad --help lists every setting");
}

TEST_CASE("a bad value is refused with a message saying what the setting takes") {
  CHECK(refusal("port", "65536") == "--port must be a whole number up to 65535, got '65536'");
  CHECK(refusal("max-connections", "-1") ==
        "--max-connections must be a whole number up to 1000000, got '-1'");
  CHECK(refusal("io-threads", "0") == "--io-threads must be at least 1");
  CHECK(refusal("max-message-bytes", "1023") == "--max-message-bytes must be at least 1024");
  CHECK(refusal("model-factor-ms", "0") == "--model-factor-ms must be at least 1");
  CHECK(refusal("snapshot-timeout-s", "0") == "--snapshot-timeout-s must be at least 1");
  CHECK(refusal("fsync-interval-ms", "0") ==
        "--fsync-interval-ms must be at least 1 (use --fsync=always to sync before every answer)");
  CHECK(refusal("memory-reserve-mb", "1") == "--memory-reserve-mb must be 0 (no reserve) or at least 2");
  CHECK(refusal("memory-reserve-mb", "0").empty());
  CHECK(refusal("thread-slice-us", "99") ==
        "--thread-slice-us must be 0 (the default slice) or 100 to 100000");
  CHECK(refusal("thread-slice-us", "0").empty());
  CHECK(refusal("shard-slice-events", "0") == "--shard-slice-events must be at least 1, got '0'");
  CHECK(refusal("shard-slice-events", "00").find("at least 1") != std::string::npos);
  CHECK(refusal("fsync", "sometimes") == "--fsync must be always, batch or none, got 'sometimes'");
  CHECK(refusal("worker-scheduling", "fast") == "--worker-scheduling must be normal or batch, got 'fast'");
  CHECK(refusal("recommendations", "yes") == "--recommendations must be on or off, got 'yes'");
  CHECK(refusal("propensity-sample-rate", "1.5") ==
        "--propensity-sample-rate must be a number from 0 to 1, got '1.5'");
  CHECK(refusal("propensity-sample-rate", "") ==
        "--propensity-sample-rate must be a number from 0 to 1, got ''");
  CHECK(refusal("token", ":admin") ==
        "--token must be TOKEN:ROLES with ROLES a comma-separated list of ingest, query, admin");
  CHECK(refusal("token", "short:admin") ==
        "--token: a token needs at least 16 bytes, got 5 (e.g. openssl rand -hex 32)");
  CHECK(refusal("data-dir", "").empty());
}

TEST_CASE("each kind of setting is stored in its node_config field") {
  node_config c;
  REQUIRE(apply_setting(c, "fsync", "always").ok());
  REQUIRE(apply_setting(c, "worker-scheduling", "batch").ok());
  REQUIRE(apply_setting(c, "recommendations", "off").ok());
  REQUIRE(apply_setting(c, "propensity-sample-rate", "0.5").ok());
  REQUIRE(apply_setting(c, "data-dir", "").ok());
  REQUIRE(apply_setting(c, "max-write-queue-bytes", "1099511627776").ok());
  REQUIRE(apply_setting(c, "token", "a:b-0123456789abcdef:query").ok());
  REQUIRE(apply_setting(c, "token", "feed-0123456789abcdef:ingest").ok());
  CHECK(c.fsync == fsync_policy::always);
  CHECK(c.batch_worker_threads);
  CHECK_FALSE(c.recommendations);
  CHECK(c.propensity_sample_rate == 0.5);
  CHECK(c.data_dir.empty());
  CHECK(c.max_write_queue_bytes == uint64_t{1} << 40);
  CHECK(c.tokens.find("a:b-0123456789abcdef")->roles == role_query);
  CHECK(c.tokens.find("feed-0123456789abcdef")->roles == role_ingest);
  CHECK_FALSE(c.tokens.find("a:b"));
}

TEST_CASE("--help lists every setting with its help line and default") {
  auto help = node_config::help_text();
  for (auto& s : node_settings()) {
    INFO(s.name);
    auto at = help.find(std::string("  --") + s.name + "=");
    REQUIRE(at != std::string::npos);
    auto line = help.substr(at, help.find('\n', at) - at);
    CHECK(line.find(s.help) != std::string::npos);
    auto tail = " [" + setting_text(s.fallback) + "]";
    CHECK(line.substr(line.size() - tail.size()) == tail);
  }
}

TEST_CASE("docs/operations.md lists every setting with its default, and no other") {
  auto documented = documented_defaults();
  CHECK(documented.size() == node_settings().size());
  for (auto& s : node_settings()) {
    INFO(s.name);
    REQUIRE(documented.count(s.name) == 1);
    CHECK(documented.at(s.name) == setting_text(s.fallback));
  }
  for (auto& [name, fallback] : documented) {
    INFO(name);
    CHECK(find_setting(name) != nullptr);
  }
}
