// cluster_training: train_clusters at the coordinator. Drives a
// kmeans_training (core/query/kmeans.hpp) over the shards with the k-means steps
// of kmeans_steps.hpp: moments, prepare, seeding draws, Lloyd steps, a
// final exact pass, then the model to every shard (docs/segments.md).
#include <memory>

#include "actors/coordinator_state.hpp"
#include "actors/error_conversion.hpp"
#include "actors/fan_out.hpp"
#include "actors/kmeans_steps.hpp"
#include "actors/message_types.hpp"

namespace persona {

namespace {

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

}  // namespace

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

}  // namespace persona
