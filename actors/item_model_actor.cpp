#include "actors/item_model_actor.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <utility>

#include <caf/all.hpp>

#include "actors/message_types.hpp"
#include "core/model/item_model_builder.hpp"
#include "core/os/thread_slice.hpp"
#include "core/storage/model_file.hpp"

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
  std::shared_ptr<item_model_builder> builder;
  std::chrono::steady_clock::time_point last_factors{};
  std::chrono::steady_clock::time_point last_neighbours{};
  /// Signals were published without being copied into factors, or into
  /// neighbour lists, yet.
  bool factors_owed = false;
  bool neighbours_owed = false;
  static inline const char* name = "persona.item_model";

  /// Signals learnt in one go once the stream is quiet, between messages.
  static constexpr uint64_t quiet_chunk = 4096;
  /// The learning budget: signals that may still be learnt from, refilled
  /// at learn_signals_per_second, holding at most half a second's worth.
  double tokens = 0;
  int64_t refilled_ns = 0;
  /// When the last live (not replayed) batch came.
  int64_t last_live_ns = 0;
  /// A learn message is on its way.
  bool learn_due = false;
  /// Learning past the budget since the stream went quiet: a backlog is
  /// being caught up, and the state is saved once it is.
  bool behind = false;
  /// Per shard: the last WAL record whose events the state holds.
  std::vector<uint64_t> covered;
  /// Signals counted, learnt, and propensity examples at the last save.
  std::array<uint64_t, 3> saved_mark{};

  bool quiet(int64_t now) const {
    return now - last_live_ns >
           std::chrono::duration_cast<std::chrono::nanoseconds>(setup.quiet_after).count();
  }

  /// Takes `batch`: counts its signals, queues them, learns what the
  /// budget allows (all of it for a replayed batch).
  void add(const model_batch& batch) {
    if (batch.wal_seq > 0) {
      if (covered.size() <= batch.shard)
        covered.resize(batch.shard + 1, 0);
      covered[batch.shard] = std::max(covered[batch.shard], batch.wal_seq);
    }
    if (!batch.replayed)
      last_live_ns = steady_now_ns();
    if (setup.backlog && !batch.signals.empty())
      setup.backlog->set_published(false);
    // Half the backlog's bound may wait in the queue; past that, a live
    // signal counts for popularity only (as do ids past the index's bound):
    // under lasting overload the model keeps counting what it cannot learn.
    uint64_t bound = setup.backlog ? setup.backlog->max_signals() : 0;
    uint64_t queue_bound = bound == 0 || batch.replayed ? UINT64_MAX : bound / 2;
    uint64_t set_aside = builder->add(batch, 0, queue_bound);
    if (setup.backlog) {
      setup.backlog->done(set_aside);
      setup.backlog->set_aside(set_aside);
    }
    learn(batch.replayed);
  }

  /// Learns what waits: everything when `all`, a chunk when the stream is
  /// quiet, else what the budget allows. Says whether more waits.
  bool learn(bool all) {
    auto now = steady_now_ns();
    double rate = setup.config.learn_signals_per_second;
    if (refilled_ns == 0)
      tokens = rate / 2;
    else
      tokens = std::min(rate / 2, tokens + rate * static_cast<double>(now - refilled_ns) / 1e9);
    refilled_ns = now;
    bool live = !quiet(now);
    uint64_t max = all    ? builder->waiting()
                   : live ? static_cast<uint64_t>(std::max(0.0, tokens))
                          : quiet_chunk;
    uint64_t n = builder->learn(max);
    if (live && !all)
      tokens -= static_cast<double>(n);
    behind = behind || (!live && !all && n > 0);
    if (setup.backlog) {
      setup.backlog->done(n);
      if (n > 0)
        setup.backlog->set_published(false);
    }
    return builder->waiting() > 0;
  }

  std::array<uint64_t, 3> mark() const {
    return {builder->signals(), builder->learnt(), builder->propensity_examples()};
  }

  /// Writes the state to the item model file, when it changed since the
  /// last save.
  void save() {
    if (setup.data_dir.empty() || mark() == saved_mark)
      return;
    auto started = std::chrono::steady_clock::now();
    model_file file;
    file.covered = covered;
    file.sections = builder->save();
    uint64_t bytes = 0;
    for (auto& s : file.sections)
      bytes += s.bytes.size();
    auto st = write_model_file(setup.data_dir, file, setup.files ? *setup.files : posix_env());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (!st.ok()) {
      if (setup.log)
        setup.log(true, "item model: could not save its state (" + st.message() +
                            "); a restart rebuilds it from the previous file or the profiles");
      return;
    }
    saved_mark = mark();
    if (setup.log)
      setup.log(false, "item model: state saved: " + std::to_string(builder->learnt()) + " signals learnt, " +
                           std::to_string(builder->waiting()) + " waiting (" + std::to_string(bytes) +
                           " bytes in " + std::to_string(static_cast<int>(ms)) + " ms)");
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
    if (!force && !builder->changed() && !owed)
      return setup.holder->current()->version;
    bool factors = force || factors_due;
    bool neighbours = force || neighbours_due;
    if (factors)
      last_factors = now;
    if (neighbours)
      last_neighbours = now;
    bool fresh = builder->changed();
    factors_owed = !factors && (factors_owed || fresh);
    neighbours_owed = !neighbours && (neighbours_owed || fresh);
    auto version = builder->publish(factors, steady_now_ns(), neighbours);
    setup.holder->publish(version);
    if (setup.backlog)
      setup.backlog->set_published(!factors_owed && !neighbours_owed);
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
  st.builder = st.setup.restored ? std::move(st.setup.restored)
                                 : std::make_shared<item_model_builder>(st.setup.config, h.items(),
                                                                        h.categories(), h.brands());
  st.covered = st.setup.covered;
  st.saved_mark = st.mark();
  self->delayed_send(self, st.setup.publish_interval, publish_atom::value);
  if (!st.setup.data_dir.empty())
    self->delayed_send(self, st.setup.save_interval, save_atom::value);
  // Learns what waits while nothing else is in the mailbox: a learn
  // message goes behind the batches already there.
  auto schedule_learning = [self](bool more) {
    auto& s = self->state;
    if (!more || s.learn_due)
      return;
    s.learn_due = true;
    if (s.quiet(steady_now_ns()))
      self->send(self, learn_atom::value);
    else
      self->delayed_send(self, std::chrono::milliseconds(10), learn_atom::value);
  };
  schedule_learning(st.builder->waiting() > 0);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.save();
    self->quit(msg.reason);
  });
  return {
      [=](model_batch& batch) {
        self->state.add(batch);
        schedule_learning(self->state.builder->waiting() > 0);
      },
      [=](learn_atom) {
        auto& s = self->state;
        s.learn_due = false;
        bool more = s.learn(false);
        schedule_learning(more);
        if (!more && std::exchange(s.behind, false))
          s.save();
      },
      [=](save_atom) {
        self->state.save();
        self->delayed_send(self, self->state.setup.save_interval, save_atom::value);
      },
      [=](retired_version& r) { r.version.reset(); },
      [=](publish_atom) {
        self->state.publish(false);
        self->state.warn_of_drops();
        self->delayed_send(self, self->state.setup.publish_interval, publish_atom::value);
      },
      [=](refresh_atom) {
        // Asked for the model now: everything waiting is learnt first.
        self->state.learn(true);
        return self->state.publish(true);
      },
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
