#include "tools/loadgen/persona_driver.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "core/os/thread_slice.hpp"
#include "net/msgpack_value.hpp"

namespace persona::loadgen {

namespace {

using clock_type = std::chrono::steady_clock;

std::string encode_params(const value& params) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  net::pack_value(pk, buf, params);
  return std::string(buf.data(), buf.size());
}

value field_cond(const char* field, const char* op, value v) {
  return value{value::map{{"field", value{field}}, {"op", value{op}}, {"value", std::move(v)}}};
}

/// The queries a run rotates through: a tag, a window, a conjunction with an
/// aggregate, and a histogram; each asks for at most 10 users.
std::vector<std::string> query_params() {
  auto agg = [](const char* fn) {
    value a{value::map{{"field", value{"rfm.monetary"}}, {"fn", value{fn}}}};
    if (std::string(fn) == "histogram")
      a.set("bins", value{uint64_t{10}});
    return value{value::array{std::move(a)}};
  };
  value limit{value::map{{"limit", value{uint64_t{10}}}}};
  value with_avg = limit;
  with_avg.set("aggregate", agg("avg"));
  value with_hist = limit;
  with_hist.set("aggregate", agg("histogram"));
  std::vector<value> qs = {
      value{value::array{value{value::map{{"tag", value{"cart_abandoner"}}}}, limit}},
      value{value::array{field_cond("windows.24h.view", ">=", value{uint64_t{20}}), limit}},
      value{value::array{
          value{
              value::map{{"and", value{value::array{field_cond("counts.purchase", ">=", value{uint64_t{1}}),
                                                    field_cond("affinity.category.c0", ">=", value{0.3})}}}}},
          with_avg}},
      value{value::array{field_cond("rfm.monetary", ">", value{500.0}), with_hist}},
  };
  std::vector<std::string> out;
  for (auto& q : qs)
    out.push_back(encode_params(q));
  return out;
}

}  // namespace

persona_driver::persona_driver(const loadgen_options& o, const event_stream& stream,
                               std::vector<std::unique_ptr<operation_stats>>& stats)
    : opts_(o), stream_(stream), stats_(stats), queries_(query_params()) {
  for (auto& lane : stream_.lanes) {
    acked_.push_back(std::make_unique<std::atomic<uint8_t>[]>(lane.batches.size()));
    acked_count_.push_back(std::make_unique<std::atomic<uint64_t>>(0));
    sent_count_.push_back(std::make_unique<std::atomic<uint64_t>>(0));
  }
}

status persona_driver::connect() {
  auto open = [&]() -> result<std::unique_ptr<net::client>> {
    auto c = std::make_unique<net::client>();
    if (auto st = c->connect(opts_.host, opts_.port, std::chrono::seconds(5),
                             {opts_.tls_ca, opts_.tls_cert, opts_.tls_key});
        !st.ok())
      return status{st.code(), st.message() + "; is personad running there? (--host, --port)"};
    value hello{value::map{{"client", value{"persona-loadgen"}}}};
    if (!opts_.token.empty())
      hello.set("token", value{opts_.token});
    auto r = c->call_sync("hello", value{value::array{hello}});
    if (!r.ok())
      return status{r.error().code(), "hello failed: " + r.error().message()};
    return c;
  };
  for (size_t i = 0; i <= stream_.lanes.size(); ++i) {
    auto c = open();
    if (!c.ok())
      return c.error();
    if (opts_.thread_slice_us > 0)
      (*c)->request_io_time_slice(std::chrono::microseconds(opts_.thread_slice_us));
    (i < stream_.lanes.size() ? clients_.emplace_back() : control_) = std::move(*c);
  }
  return {};
}

status persona_driver::upsert_catalog(const shop_catalog& catalog) {
  const uint32_t chunk = 5000;
  for (uint32_t first = 0; first < catalog.options().items; first += chunk) {
    auto r = control_->call_sync("upsert_items", catalog.upsert_params(first, chunk));
    if (!r.ok())
      return {r.error().code(), "upsert_items failed: " + r.error().message()};
    if (auto* rej = r->find("rejected"); rej && !rej->as_array().empty())
      return {error_code::internal, "upsert_items rejected items of the simulated catalog"};
  }
  return {};
}

void persona_driver::run(const std::atomic<bool>& stop) {
  std::vector<std::thread> senders;
  auto start = clock_type::now();
  for (uint32_t lane = 0; lane < clients_.size(); ++lane)
    senders.emplace_back([this, lane, &stop, start] {
      if (opts_.thread_slice_us > 0)
        request_time_slice(std::chrono::microseconds(opts_.thread_slice_us));
      drive(lane, stop, start);
    });
  for (auto& t : senders)
    t.join();
}

void persona_driver::drive(uint32_t lane, const std::atomic<bool>& stop, clock_type::time_point start) {
  auto& client = *clients_[lane];
  auto& batches = stream_.lanes[lane].batches;
  std::mt19937_64 rng(opts_.simulation.seed * 7919 + lane);
  double mix_total = 0;
  for (double share : opts_.mix)
    mix_total += share;
  std::uniform_real_distribution<double> unit(0.0, mix_total);
  std::mutex m;
  std::condition_variable cv;
  size_t in_flight = 0;
  operation_stats warmup("warmup");
  const size_t cap = opts_.open_loop() ? opts_.max_in_flight : opts_.window;
  const auto measure_from =
      start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opts_.warmup_s));
  const auto deadline = opts_.duration_s > 0 ? start + std::chrono::duration_cast<clock_type::duration>(
                                                           std::chrono::duration<double>(opts_.duration_s))
                                             : clock_type::time_point::max();
  size_t next_batch = 0;
  uint64_t request = 0;
  const bool ingests = opts_.mixes(operation::ingest);
  const double lanes = static_cast<double>(clients_.size());
  while (!stop) {
    double pick = unit(rng);
    auto op = operation::ingest;
    for (size_t i = 0; i < operation_count; ++i) {
      if (pick < opts_.mix[i] || i + 1 == operation_count) {
        op = static_cast<operation>(i);
        break;
      }
      pick -= opts_.mix[i];
    }
    if (op == operation::ingest && next_batch >= batches.size())
      break;
    clock_type::time_point intended;
    if (opts_.open_loop()) {
      // Requests are due in turn across the connections.
      intended = start + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>((request * lanes + lane) / opts_.rate));
      if (intended >= deadline)
        break;
      std::this_thread::sleep_until(intended);
    }
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return in_flight < cap; });
      ++in_flight;
    }
    if (!opts_.open_loop()) {
      intended = clock_type::now();
      if (intended >= deadline) {
        std::lock_guard<std::mutex> lock(m);
        --in_flight;
        break;
      }
    }
    ++request;
    // Requests due in the warm-up are sent and answered but not recorded.
    auto* stats = intended >= measure_from ? stats_[static_cast<size_t>(op)].get() : &warmup;
    auto finish = [&m, &cv, &in_flight] {
      std::lock_guard<std::mutex> lock(m);
      --in_flight;
      cv.notify_all();
    };
    auto micros = [intended] {
      return std::chrono::duration<double, std::micro>(clock_type::now() - intended).count();
    };
    auto record_read = [=](result<value> r) {
      if (r.ok())
        stats->record_ok(micros(), 0);
      else
        stats->record_error(micros(), to_string(r.error().code()));
      finish();
    };
    switch (op) {
      case operation::ingest: {
        size_t b = next_batch++;
        uint64_t events = stream_.batch_events(lane, b).second;
        ++*sent_count_[lane];
        client.call_encoded("ingest", batches[b], [=](result<value> r) {
          if (!r.ok()) {
            stats->record_error(micros(), to_string(r.error().code()));
          } else if (auto* rej = r->find("rejected"); rej && !rej->as_array().empty()) {
            stats->record_error(micros(), "rejected_events");
          } else {
            // Replies on one connection arrive on its I/O thread one at a
            // time; the prefix of acknowledged batches only grows.
            acked_[lane][b] = 1;
            auto& prefix = *acked_count_[lane];
            while (prefix < sent_count_[lane]->load() && acked_[lane][prefix])
              ++prefix;
            stats->record_ok(micros(), events);
          }
          finish();
        });
        break;
      }
      case operation::get_profile:
      case operation::recommend: {
        // A user whose events have been acknowledged, so the profile exists;
        // without ingest in the mix, any user of the stream. A read due
        // before the connection's first batch is acknowledged has no such
        // user and is not sent.
        auto& lane_events = stream_.lanes[lane].events;
        size_t known =
            ingests ? std::min<size_t>(lane_events.size(), acked_count_[lane]->load() * stream_.batch_size)
                    : lane_events.size();
        if (known == 0) {
          finish();
          break;
        }
        uint32_t user = stream_.events[lane_events[rng() % known]].user;
        if (op == operation::get_profile)
          client.call("get_profile", value{value::array{value{sim_event::user_id(user)}}}, record_read);
        else
          client.call("recommend", value{value::array{value{sim_event::user_id(user)}, value{uint64_t{10}}}},
                      record_read);
        break;
      }
      case operation::query:
        client.call_encoded("query", queries_[request % queries_.size()], record_read);
        break;
    }
  }
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [&] { return in_flight == 0; });
}

}  // namespace persona::loadgen
