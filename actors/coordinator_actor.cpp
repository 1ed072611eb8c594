#include "actors/coordinator_actor.hpp"

#include <algorithm>
#include <map>

#include "actors/error_conversion.hpp"
#include "actors/fan_out.hpp"
#include "actors/kmeans_steps.hpp"
#include "actors/message_types.hpp"
#include "core/stable_hash.hpp"
#include "core/user_router.hpp"

namespace persona {

namespace {

/// State of the coordinator: the shard table and the deadline per request.
struct coordinator_state {
  std::vector<caf::actor> shards;
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds snapshot_timeout{600000};
  /// Whether a train_clusters is running (shards hold one training at a time).
  bool training = false;
  static inline const char* name = "persona.coordinator";

  std::string shard_name(size_t i) const { return "shard " + std::to_string(i); }
};

using self_ptr = caf::stateful_actor<coordinator_state>*;

/// Asks the shard owning `user` and delivers its answer (or a named error)
/// to a promise of type T; with priority P (high: ahead of queued batches).
template <class T, caf::message_priority P = caf::message_priority::normal, class... Ts>
caf::result<T> ask_owner(self_ptr self, const std::string& user, const Ts&... args) {
  auto& st = self->state;
  auto shard = shard_of(user, st.shards.size());
  auto rp = std::make_shared<caf::typed_response_promise<T>>(self->make_response_promise<T>());
  auto name = st.shard_name(shard);
  auto timeout = st.timeout;
  self->request<P>(st.shards[shard], timeout, args...)
      .then([rp](T& answer) { rp->deliver(std::move(answer)); },
            [rp, name, timeout](caf::error& err) {
              rp->deliver(to_caf_error(from_caf_error(err, name, timeout.count())));
            });
  return *rp;
}

caf::result<batch_outcome> ingest(self_ptr self, std::vector<shard_batch>& batches) {
  auto& st = self->state;
  auto rp = std::make_shared<caf::typed_response_promise<batch_outcome>>(
      self->make_response_promise<batch_outcome>());
  for (auto& b : batches) {
    if (b.shard >= st.shards.size()) {
      rp->deliver(
          to_caf_error({error_code::internal, "an ingest batch named shard " + std::to_string(b.shard) +
                                                  " of " + std::to_string(st.shards.size())}));
      return *rp;
    }
  }
  // Each shard gets its own part of the batch.
  std::vector<uint32_t> shard_of_part;
  for (auto& b : batches)
    shard_of_part.push_back(b.shard);
  auto timeout = st.timeout;
  fan_out<batch_outcome>(
      batches.size(), timeout,
      [self, shard_of_part](size_t i) { return self->state.shard_name(shard_of_part[i]); },
      [&](size_t i) {
        return self->request(st.shards[batches[i].shard], timeout, ingest_atom::value, std::move(batches[i]));
      },
      [rp](std::vector<batch_outcome>& parts, std::optional<status> err) {
        if (err) {
          rp->deliver(to_caf_error(*err));
          return;
        }
        batch_outcome merged;
        for (auto& o : parts) {
          merged.accepted += o.accepted;
          for (auto& r : o.rejected)
            merged.rejected.push_back(std::move(r));
        }
        std::sort(merged.rejected.begin(), merged.rejected.end(),
                  [](const rejection& a, const rejection& b) { return a.index < b.index; });
        rp->deliver(std::move(merged));
      });
  return *rp;
}

caf::result<value> merge(self_ptr self, const std::string& source, const std::string& target, int64_t now_ms,
                         const std::vector<std::string>& fields) {
  auto& st = self->state;
  auto rp = std::make_shared<caf::typed_response_promise<value>>(self->make_response_promise<value>());
  auto timeout = st.timeout;
  auto src_shard = shard_of(source, st.shards.size());
  auto dst_shard = shard_of(target, st.shards.size());
  auto src = st.shards[src_shard];
  auto dst = st.shards[dst_shard];
  auto src_name = st.shard_name(src_shard);
  auto dst_name = st.shard_name(dst_shard);
  auto fail = [rp, timeout](const std::string& who) {
    return [rp, who, timeout](caf::error& err) {
      rp->deliver(to_caf_error(from_caf_error(err, who, timeout.count())));
    };
  };
  // Copy the source, fold it into the target, and only then delete the
  // source: a failure on the way leaves the source in place. The fold id
  // makes the fold happen once: a merge retried after a crash between fold
  // and delete finds the same image and folds nothing twice.
  self->request(src, timeout, export_atom::value, source)
      .then(
          [=](std::string& image) {
            auto fold_id = stable_hash("merge\n" + source + "\n" + image);
            self->request(dst, timeout, fold_atom::value, target, image, fold_id, now_ms, fields)
                .then(
                    [=](value& merged) {
                      self->request(src, timeout, erase_atom::value, source)
                          .then([rp, merged](bool) mutable { rp->deliver(std::move(merged)); },
                                fail(src_name));
                    },
                    fail(dst_name));
          },
          fail(src_name));
  return *rp;
}

caf::result<value> query(self_ptr self, query_request q) {
  auto& st = self->state;
  auto rp = std::make_shared<caf::typed_response_promise<value>>(self->make_response_promise<value>());
  auto timeout = st.timeout;
  auto names = [self](size_t i) { return self->state.shard_name(i); };
  auto shards = st.shards;
  auto second_pass = [=](query_request full) {
    fan_out<query_partial>(
        self, shards, timeout, names,
        [rp, full](std::vector<query_partial>& parts, std::optional<status> err) {
          if (err) {
            rp->deliver(to_caf_error(*err));
            return;
          }
          query_partial merged;
          merged.aggregates.resize(full.aggregates.size());
          for (auto& p : parts)
            merged.merge(std::move(p), full.limit);
          rp->deliver(finish_query(full, merged));
        },
        query_atom::value, full);
  };
  bool needs_range = std::any_of(q.aggregates.begin(), q.aggregates.end(),
                                 [](const aggregate_spec& a) { return a.needs_range(); });
  if (!needs_range) {
    second_pass(std::move(q));
    return *rp;
  }
  // First pass: the range of every histogram's field, with no users.
  query_request range = q;
  range.limit = 0;
  range.fields.clear();
  fan_out<query_partial>(
      self, shards, timeout, names,
      [rp, q, second_pass](std::vector<query_partial>& parts, std::optional<status> err) mutable {
        if (err) {
          rp->deliver(to_caf_error(*err));
          return;
        }
        query_partial merged;
        merged.aggregates.resize(q.aggregates.size());
        for (auto& p : parts)
          merged.merge(std::move(p), 0);
        for (size_t i = 0; i < q.aggregates.size(); ++i) {
          auto& a = q.aggregates[i];
          if (!a.needs_range())
            continue;
          auto& m = merged.aggregates[i];
          a.edges = equal_width_edges(m.n ? m.min : 0.0, m.n ? m.max : 1.0, a.bins);
          a.clamp = true;
        }
        second_pass(std::move(q));
      },
      query_atom::value, range);
  return *rp;
}

/// Sends every shard the same request and delivers all answers (or the
/// first failure, naming its shard) to a promise.
template <class T, class... Ts>
caf::result<std::vector<T>> ask_all(self_ptr self, std::chrono::milliseconds timeout, const Ts&... args) {
  auto rp = std::make_shared<caf::typed_response_promise<std::vector<T>>>(
      self->make_response_promise<std::vector<T>>());
  fan_out<T>(
      self, self->state.shards, timeout, [self](size_t i) { return self->state.shard_name(i); },
      [rp](std::vector<T>& all, std::optional<status> err) {
        if (err)
          rp->deliver(to_caf_error(*err));
        else
          rp->deliver(std::move(all));
      },
      args...);
  return *rp;
}

/// A page of a segment's members being gathered shard by shard.
struct members_page {
  self_ptr self;
  std::string name;
  uint64_t limit;
  value::array users;
  caf::typed_response_promise<value> promise;
};

/// Asks shard `shard` for members from `slot` on, then the next shards,
/// until the page is full or the last shard is done; the answer's cursor
/// says where the next page starts ("shard:slot"), nil after the last.
void ask_members(std::shared_ptr<members_page> page, size_t shard, uint64_t slot) {
  auto self = page->self;
  auto& st = self->state;
  if (shard >= st.shards.size() || page->users.size() >= page->limit) {
    value out{value::map{}};
    out.set("users", value{std::move(page->users)});
    out.set("cursor",
            shard >= st.shards.size() ? value{} : value{std::to_string(shard) + ":" + std::to_string(slot)});
    page->promise.deliver(std::move(out));
    return;
  }
  auto timeout = st.timeout;
  auto who = st.shard_name(shard);
  self->request(st.shards[shard], timeout, segmembers_atom::value, page->name, slot,
                page->limit - page->users.size())
      .then(
          [page, shard](value& part) {
            for (auto& u : part.find("users")->as_array())
              page->users.push_back(u);
            auto* next = part.find("next");
            if (next && !next->is_nil())
              ask_members(page, shard, static_cast<uint64_t>(next->as_int()));
            else
              ask_members(page, shard + 1, 0);
          },
          [page, who, timeout](caf::error& err) {
            page->promise.deliver(to_caf_error(from_caf_error(err, who, timeout.count())));
          });
}

/// One train_clusters in progress: the options, the training, the answer.
struct cluster_job {
  self_ptr self;
  size_t k = 0;
  std::vector<std::string> features;
  std::vector<double> mean, scale;
  std::unique_ptr<kmeans_training> training;
  caf::typed_response_promise<value> promise;
  std::chrono::steady_clock::time_point started;

  void fail(const status& st) {
    self->state.training = false;
    promise.deliver(to_caf_error(st));
  }
};

/// Asks every shard the same k-means step (with per-shard args from
/// `args_for`) and hands all answers to `then`.
template <class ArgsFor, class Then>
void ask_shards(std::shared_ptr<cluster_job> job, const std::string& op, ArgsFor args_for, Then then) {
  auto self = job->self;
  auto& st = self->state;
  fan_out<value>(
      st.shards.size(), st.timeout, [self](size_t i) { return self->state.shard_name(i); },
      [&](size_t i) { return self->request(st.shards[i], st.timeout, kmeans_atom::value, op, args_for(i)); },
      [job, then](std::vector<value>& answers, std::optional<status> err) mutable {
        if (err)
          return job->fail(*err);
        then(answers);
      });
}

void run_training(std::shared_ptr<cluster_job> job);

/// The answer in the features' own units, and the model every shard keeps.
void finish_training(std::shared_ptr<cluster_job> job) {
  auto& t = *job->training;
  size_t d = job->features.size();
  value::array centroids;
  for (size_t c = 0; c < t.seeded(); ++c) {
    value::array row;
    for (size_t j = 0; j < d; ++j)
      row.emplace_back(t.centers()[c * d + j] * job->scale[j] + job->mean[j]);
    centroids.emplace_back(std::move(row));
  }
  value::array sizes;
  for (auto n : t.sizes())
    sizes.emplace_back(n);
  value result{value::map{}};
  result.set("k", value{static_cast<uint64_t>(t.seeded())});
  result.set("features", strings_value(job->features));
  result.set("centroids", value{std::move(centroids)});
  result.set("sizes", value{std::move(sizes)});
  result.set("inertia", value{t.inertia()});
  result.set("iterations", value{static_cast<uint64_t>(t.iterations())});
  result.set("duration_ms",
             value{std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - job->started)
                       .count()});
  cluster_model model;
  model.features = job->features;
  model.mean = job->mean;
  model.scale = job->scale;
  model.centroids = t.centers();
  model.result = result;
  auto encoded = encode_cluster_model(model);
  ask_shards(
      job, "model", [&](size_t) { return value{value::array{value{encoded}}}; },
      [job, result](std::vector<value>&) mutable {
        job->self->state.training = false;
        job->promise.deliver(std::move(result));
      });
}

/// One round of seeding or Lloyd, then the next.
void run_training(std::shared_ptr<cluster_job> job) {
  auto& t = *job->training;
  switch (t.next()) {
    case kmeans_training::phase::seeding:
      ask_shards(
          job, "draw",
          [&](size_t i) {
            return value{
                value::array{numbers_value(t.centers()), value{t.draw_seed(static_cast<uint32_t>(i))}}};
          },
          [job](std::vector<value>& answers) {
            std::vector<seed_candidate> candidates;
            for (auto& a : answers)
              candidates.push_back(candidate_of(a));
            job->training->on_draws(candidates);
            run_training(job);
          });
      return;
    case kmeans_training::phase::iterating:
    case kmeans_training::phase::finishing:
      ask_shards(
          job, "step", [&](size_t) { return value{value::array{numbers_value(t.centers())}}; },
          [job](std::vector<value>& answers) {
            kmeans_partial merged;
            for (auto& a : answers)
              merged.merge(partial_of(a));
            auto& t = *job->training;
            if (t.next() == kmeans_training::phase::iterating)
              t.on_step(merged);
            else
              t.on_final(merged);
            run_training(job);
          });
      return;
    case kmeans_training::phase::done:
      finish_training(job);
      return;
  }
}

caf::result<value> train_clusters(self_ptr self, const value& options) {
  auto rp = self->make_response_promise<value>();
  auto& st = self->state;
  if (st.training) {
    rp.deliver(
        to_caf_error({error_code::overloaded, "a train_clusters is already running; retry when it is done"}));
    return rp;
  }
  st.training = true;
  auto job = std::make_shared<cluster_job>();
  job->self = self;
  job->k = static_cast<size_t>(options.find("k")->as_int());
  job->features = strings_of(*options.find("features"));
  job->promise = rp;
  job->started = std::chrono::steady_clock::now();
  auto max_iter = static_cast<size_t>(options.find("max_iter")->as_int());
  auto seed = static_cast<uint64_t>(options.find("seed")->as_int());
  auto features = strings_value(job->features);
  ask_shards(
      job, "moments", [&](size_t) { return value{value::array{features}}; },
      [job, max_iter, seed, features](std::vector<value>& answers) {
        feature_moments all;
        for (auto& a : answers)
          all.merge(moments_of(a));
        if (all.n == 0)
          return job->fail(
              {error_code::bad_request,
               "no user has every feature; choose features most profiles have (docs/segments.md)"});
        all.standardization(job->mean, job->scale);
        job->training = std::make_unique<kmeans_training>(job->k, job->features.size(), seed, max_iter);
        auto mean = numbers_value(job->mean), scale = numbers_value(job->scale);
        ask_shards(
            job, "prepare",
            [&](size_t) {
              return value{value::array{features, mean, scale}};
            },
            [job](std::vector<value>&) { run_training(job); });
      });
  return rp;
}

caf::behavior coordinator_behavior(self_ptr self, std::vector<caf::actor> shards,
                                   std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds snapshot_timeout) {
  self->state.shards = std::move(shards);
  self->state.timeout = timeout;
  self->state.snapshot_timeout = snapshot_timeout;
  return {
      [=](ingest_atom, std::vector<shard_batch>& batches) { return ingest(self, batches); },
      [=](profile_atom a, const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) {
        return ask_owner<value, caf::message_priority::high>(self, user, a, user, now_ms, fields);
      },
      [=](attrs_atom a, const std::string& user, const value& attrs) {
        return ask_owner<std::string>(self, user, a, user, attrs);
      },
      [=](erase_atom a, const std::string& user) { return ask_owner<bool>(self, user, a, user); },
      [=](merge_atom, const std::string& source, const std::string& target, int64_t now_ms,
          const std::vector<std::string>& fields) { return merge(self, source, target, now_ms, fields); },
      [=](catalog_atom a, const catalog_update& update) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        auto version = update.version;
        fan_out<uint64_t>(
            self, self->state.shards, self->state.timeout,
            [self](size_t i) { return self->state.shard_name(i); },
            [rp, version](std::vector<uint64_t>&, std::optional<status> err) mutable {
              if (err)
                rp.deliver(to_caf_error(*err));
              else
                rp.deliver(version);
            },
            a, update);
        return rp;
      },
      [=](snapshot_atom a) { return ask_all<shard_snapshot>(self, self->state.snapshot_timeout, a); },
      [=](segdef_atom a, const std::string& name, const value& where) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        fan_out<uint64_t>(
            self, self->state.shards, self->state.timeout,
            [self](size_t i) { return self->state.shard_name(i); },
            [rp](std::vector<uint64_t>& sizes, std::optional<status> err) mutable {
              if (err) {
                rp.deliver(to_caf_error(*err));
                return;
              }
              uint64_t total = 0;
              for (auto n : sizes)
                total += n;
              rp.deliver(total);
            },
            a, name, where);
        return rp;
      },
      [=](segdrop_atom a, const std::string& name) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        fan_out<bool>(
            self, self->state.shards, self->state.timeout,
            [self](size_t i) { return self->state.shard_name(i); },
            [rp](std::vector<bool>& dropped, std::optional<status> err) mutable {
              if (err) {
                rp.deliver(to_caf_error(*err));
                return;
              }
              rp.deliver(std::any_of(dropped.begin(), dropped.end(), [](bool b) { return b; }));
            },
            a, name);
        return rp;
      },
      [=](seglist_atom a) -> caf::result<value> {
        auto rp = self->make_response_promise<value>();
        fan_out<value>(
            self, self->state.shards, self->state.timeout,
            [self](size_t i) { return self->state.shard_name(i); },
            [rp](std::vector<value>& parts, std::optional<status> err) mutable {
              if (err) {
                rp.deliver(to_caf_error(*err));
                return;
              }
              // name -> [where, size summed over shards]
              std::map<std::string, std::pair<value, uint64_t>> merged;
              for (auto& part : parts)
                for (auto& [name, entry] : part.as_map()) {
                  auto& m = merged[name];
                  m.first = entry.as_array()[0];
                  m.second += static_cast<uint64_t>(entry.as_array()[1].as_int());
                }
              value::array out;
              for (auto& [name, m] : merged) {
                value e{value::map{}};
                e.set("name", value{name});
                e.set("where", m.first);
                e.set("size", value{m.second});
                out.push_back(std::move(e));
              }
              rp.deliver(value{std::move(out)});
            },
            a);
        return rp;
      },
      [=](segmembers_atom, const std::string& name, uint64_t shard, uint64_t slot,
          uint64_t limit) -> caf::result<value> {
        auto page = std::make_shared<members_page>(
            members_page{self, name, limit, {}, self->make_response_promise<value>()});
        auto promise = page->promise;
        ask_members(std::move(page), shard, slot);
        return promise;
      },
      [=](train_atom, const value& options) { return train_clusters(self, options); },
      [=](query_atom, const query_request& q) { return query(self, q); },
      [=](stats_atom a) { return ask_all<shard_stats>(self, self->state.timeout, a); },
  };
}

}  // namespace

caf::actor spawn_coordinator(caf::actor_system& sys, std::vector<caf::actor> shards,
                             std::chrono::milliseconds shard_timeout,
                             std::chrono::milliseconds snapshot_timeout) {
  return sys.spawn(coordinator_behavior, std::move(shards), shard_timeout, snapshot_timeout);
}

}  // namespace persona
