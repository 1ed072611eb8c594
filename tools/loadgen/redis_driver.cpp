#include "tools/loadgen/redis_driver.hpp"

#include <chrono>
#include <deque>
#include <thread>

#include "core/os/thread_slice.hpp"
#include "tools/loadgen/redis_connection.hpp"

namespace persona::loadgen {

namespace {

using clock_type = std::chrono::steady_clock;

}  // namespace

std::string encode_redis_batch(const std::vector<sim_event>& all, const uint32_t* index, size_t count,
                               const shop_catalog& catalog) {
  std::vector<std::string> args = {"FCALL", "persona_ingest", std::to_string(count)};
  args.reserve(3 + count * 7);
  for (size_t i = 0; i < count; ++i)
    args.push_back("p:" + sim_event::user_id(all[index[i]].user));
  for (size_t i = 0; i < count; ++i) {
    auto& e = all[index[i]];
    args.push_back(to_string(e.type));
    args.push_back(std::to_string(e.ts));
    bool item = e.item != no_item;
    args.push_back(item ? shop_catalog::item_id(e.item) : "");
    args.push_back(item                           ? shop_catalog::category_name(catalog.category_of(e.item))
                   : e.type == event_type::search ? shop_catalog::category_name(e.query_category)
                                                  : "");
    args.push_back(item ? shop_catalog::brand_name(catalog.brand_of(e.item)) : "");
    bool paid = e.type == event_type::purchase || e.type == event_type::refund;
    args.push_back(paid ? std::to_string(catalog.price_of(e.item) * e.quantity) : "0");
  }
  return encode_redis_command(args);
}

redis_driver::redis_driver(const loadgen_options& o, const event_stream& stream, operation_stats& ingest)
    : opts_(o), stream_(stream), ingest_(ingest) {}

result<uint64_t> redis_driver::used_memory() {
  redis_connection c;
  if (auto st = c.connect(opts_.host, opts_.port); !st.ok())
    return st;
  auto r = c.call({"INFO", "memory"});
  if (!r.ok())
    return r.error();
  auto at = r->text.find("used_memory:");
  if (at == std::string::npos)
    return status{error_code::internal, "INFO memory has no used_memory line"};
  return static_cast<uint64_t>(std::stoull(r->text.substr(at + 12)));
}

status redis_driver::connect() {
  redis_connection c;
  if (auto st = c.connect(opts_.host, opts_.port); !st.ok())
    return st;
  auto r = c.call({"FUNCTION", "LIST", "LIBRARYNAME", "persona"});
  if (!r.ok())
    return r.error();
  if (r->elements.empty())
    return {error_code::not_found,
            "Redis has no 'persona' function library; load it first: "
            "redis-cli -p " +
                std::to_string(opts_.port) +
                " FUNCTION LOAD REPLACE \"$(cat scripts/bench/persona_profile.lua)\""};
  auto m = used_memory();
  if (!m.ok())
    return m.error();
  memory_before_ = *m;
  return {};
}

result<uint64_t> redis_driver::memory_growth() {
  auto m = used_memory();
  if (!m.ok())
    return m;
  return *m > memory_before_ ? *m - memory_before_ : 0;
}

void redis_driver::run(const std::atomic<bool>& stop) {
  std::vector<std::thread> senders;
  for (uint32_t lane = 0; lane < stream_.lanes.size(); ++lane)
    senders.emplace_back([this, lane, &stop] {
      // The same threads as for Persona (persona_driver.cpp).
      if (opts_.thread_slice_us > 0)
        request_time_slice(std::chrono::microseconds(opts_.thread_slice_us));
      drive(lane, stop);
    });
  for (auto& t : senders)
    t.join();
}

void redis_driver::drive(uint32_t lane, const std::atomic<bool>& stop) {
  auto fail = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (first_error_.empty())
      first_error_ = what;
  };
  redis_connection c;
  if (auto st = c.connect(opts_.host, opts_.port); !st.ok()) {
    fail(st.message());
    return;
  }
  auto& batches = stream_.lanes[lane].batches;
  auto deadline = opts_.duration_s > 0
                      ? clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                std::chrono::duration<double>(opts_.duration_s))
                      : clock_type::time_point::max();
  std::deque<std::pair<size_t, clock_type::time_point>> in_flight;
  size_t next = 0;
  auto send_more = [&] {
    while (next < batches.size() && in_flight.size() < opts_.window && !stop &&
           clock_type::now() < deadline) {
      in_flight.emplace_back(next, clock_type::now());
      if (auto st = c.write(batches[next]); !st.ok()) {
        fail(st.message());
        return false;
      }
      ++next;
    }
    return true;
  };
  if (!send_more())
    return;
  while (!in_flight.empty()) {
    auto r = c.read();
    auto [b, sent] = in_flight.front();
    in_flight.pop_front();
    double us = std::chrono::duration<double, std::micro>(clock_type::now() - sent).count();
    if (!r.ok()) {
      fail(r.error().message());
      ingest_.record_error(us, "unavailable");
      return;
    }
    if (r->type == redis_reply::kind::error) {
      fail("Redis answered FCALL persona_ingest with: " + r->text);
      ingest_.record_error(us, "redis_error");
    } else {
      ingest_.record_ok(us, stream_.batch_events(lane, b).second);
    }
    if (!send_more())
      return;
  }
}

}  // namespace persona::loadgen
