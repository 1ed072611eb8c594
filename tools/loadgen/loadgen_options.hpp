// loadgen_options: the settings of one persona-loadgen run, parsed from the
// command line (`--name=value` or `--name value`), with the defaults and
// meanings listed in help_text(). Bad values are refused with a message
// naming the flag and what it takes.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/util/status.hpp"
#include "tools/loadgen/shop_simulation.hpp"

namespace persona::loadgen {

/// The operations a run can mix, in report order.
enum class operation : uint8_t { ingest, get_profile, query, recommend };
constexpr size_t operation_count = 4;
const char* to_string(operation op);

struct loadgen_options {
  /// "persona" (MessagePack-RPC) or "redis" (the baseline's Redis function).
  std::string target = "persona";
  std::string host = "127.0.0.1";
  uint16_t port = 7400;
  std::string token;
  /// TLS to the node: its CA, and a client certificate with its key.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  /// File holding the token (mode 0600); PERSONA_TOKEN when neither is given.
  std::string token_file;

  simulation_options simulation;
  /// Events generated; the run ends when they are all sent (or at --duration).
  uint64_t events = 1000000;
  /// Seconds after which the run stops; 0: until the events are sent.
  double duration_s = 0;
  /// Seconds at the start whose requests are sent but not measured (the
  /// node warming up: new profiles, growing tables).
  double warmup_s = 0;

  uint32_t connections = 2;
  uint32_t batch = 500;
  /// Closed loop: requests kept in flight per connection.
  uint32_t window = 8;
  /// Open loop when > 0: requests per second over all operations.
  double rate = 0;
  /// Open loop: the rate in ingest events per second (sets `rate` from the
  /// mix and batch size).
  double event_rate = 0;
  /// Open loop: most requests in flight per connection before sends wait.
  uint32_t max_in_flight = 1024;
  /// The time slice the generator's sending and I/O threads ask the kernel
  /// for, in microseconds (core/os/thread_slice.hpp); 0: the default.
  uint32_t thread_slice_us = 100;
  /// Share of requests of each operation, in operation order.
  double mix[operation_count] = {100, 0, 0, 0};

  bool upsert_catalog = true;
  std::string json_path;
  std::string dump_path;
  bool verify = false;
  uint32_t verify_users = 1000;
  bool live = true;

  bool open_loop() const { return rate > 0; }
  bool mixes(operation op) const { return mix[static_cast<size_t>(op)] > 0; }

  /// Parses argv; `help` is set when --help was given.
  static result<loadgen_options> parse(int argc, char** argv, bool& help);
  static std::string help_text();
};

}  // namespace persona::loadgen
