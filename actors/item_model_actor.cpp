#include "actors/item_model_actor.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/message_types.hpp"
#include "core/model/item_model_builder.hpp"
#include "core/os/thread_slice.hpp"

namespace persona {
/// A version on its way back to be freed.
struct retired_version {
  std::shared_ptr<const item_model> version;
};
}  // namespace persona

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::model_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::retired_version)

namespace persona {

namespace {

struct item_model_state {
  item_model_setup setup;
  std::unique_ptr<item_model_builder> builder;
  std::chrono::steady_clock::time_point last_factors{};
  std::chrono::steady_clock::time_point last_neighbours{};
  /// Signals were published without being copied into factors, or into
  /// neighbour lists, yet.
  bool factors_owed = false;
  bool neighbours_owed = false;
  static inline const char* name = "persona.item_model";

  /// The learning budget: signals that may still be learnt from, refilled
  /// at learn_signals_per_second, holding at most half a second's worth.
  double tokens = 0;
  int64_t refilled_ns = 0;

  void add(const model_batch& batch) {
    auto now = steady_now_ns();
    double rate = setup.config.learn_signals_per_second;
    if (refilled_ns == 0)
      tokens = rate / 2;
    else
      tokens = std::min(rate / 2, tokens + rate * static_cast<double>(now - refilled_ns) / 1e9);
    refilled_ns = now;
    bool late = now - batch.collected_ns >
                std::chrono::duration_cast<std::chrono::nanoseconds>(setup.shed_after).count();
    double n = static_cast<double>(batch.signals.size());
    double share = batch.replayed ? 1.0 : late || n == 0 ? 0.0 : std::min(1.0, tokens / n);
    if (!batch.replayed)
      tokens -= share * n;
    builder->add(batch, share);
  }

  void warn_of_drops() {
    if (!setup.backlog || !setup.log)
      return;
    constexpr int64_t a_minute_ns = int64_t{60} * 1000000000;
    if (auto warning = setup.backlog->drop_warning(steady_now_ns(), a_minute_ns); !warning.empty())
      setup.log(true, warning);
  }

  uint64_t publish(bool force) {
    auto now = std::chrono::steady_clock::now();
    bool factors_due = now - last_factors >= setup.factor_interval;
    bool neighbours_due = now - last_neighbours >= setup.neighbour_interval;
    // Signals a version left out of its factors or neighbour lists are
    // published once their interval is up, even if no signal came since.
    bool owed = (factors_owed && factors_due) || (neighbours_owed && neighbours_due);
    if (!force && builder->unpublished() == 0 && !owed)
      return setup.holder->current()->version;
    bool factors = force || factors_due;
    bool neighbours = force || neighbours_due;
    if (factors)
      last_factors = now;
    if (neighbours)
      last_neighbours = now;
    bool fresh = builder->unpublished() > 0;
    factors_owed = !factors && (factors_owed || fresh);
    neighbours_owed = !neighbours && (neighbours_owed || fresh);
    auto version = builder->publish(factors, steady_now_ns(), neighbours);
    setup.holder->publish(version);
    return version->version;
  }
};

using model_self = caf::stateful_actor<item_model_state>*;

caf::behavior item_model_behavior(model_self self, item_model_setup setup) {
  // The actor runs on its own thread: it yields the cores to shards and
  // network threads whenever they want them (Linux: a per-thread nice),
  // and keeps the kernel's default time slice (the actor system's threads
  // ask for short ones).
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), setup.nice);
  request_time_slice(std::chrono::microseconds(0));
  auto& st = self->state;
  st.setup = std::move(setup);
  auto& h = *st.setup.holder;
  st.builder = std::make_unique<item_model_builder>(st.setup.config, h.items(), h.categories(), h.brands());
  self->delayed_send(self, st.setup.publish_interval, publish_atom::value);
  return {
      [=](model_batch& batch) {
        if (auto& backlog = self->state.setup.backlog)
          backlog->done(batch.signals.size());
        self->state.add(batch);
      },
      [=](retired_version& r) { r.version.reset(); },
      [=](publish_atom) {
        self->state.publish(false);
        self->state.warn_of_drops();
        self->delayed_send(self, self->state.setup.publish_interval, publish_atom::value);
      },
      [=](refresh_atom) { return self->state.publish(true); },
  };
}

}  // namespace

caf::actor spawn_item_model(caf::actor_system& sys, item_model_setup setup) {
  // Detached: building a version must not hold up a scheduler thread that
  // shards need.
  return sys.spawn<caf::detached>(item_model_behavior, std::move(setup));
}

void send_model_batch(const caf::actor& model, model_batch batch) {
  caf::anon_send(model, std::move(batch));
}

void retire_model_version(const caf::actor& model, std::shared_ptr<const item_model> version) {
  caf::anon_send(model, retired_version{std::move(version)});
}

}  // namespace persona
