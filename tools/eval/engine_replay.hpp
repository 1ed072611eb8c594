// engine_replay: drives a Persona engine through an evaluation split in
// time order, the way a shop would: every training interaction is
// ingested as it happens; held-out interactions are never told. Each
// held-out user is asked for recommendations either after the whole
// training stream (the information the batch baselines have) or at the
// moment of their held-out interaction (options.now = its time; strictly
// online, no later event known). Global signals are published before each
// question (the engine does so within a publish interval on its own; a
// replay runs years per minute).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "core/model/recommender.hpp"
#include "tools/eval/interaction_file.hpp"
#include "tools/eval/leave_last_out.hpp"
#include "tools/eval/ranking_metrics.hpp"

namespace persona::eval {

struct replay_settings {
  engine_options engine;
  /// 1: validation (train on training only), 2: test (training and validation).
  uint8_t phase = 2;
  /// Ask every held-out user after the whole training stream (the
  /// information the batch baselines have) instead of at the moment of
  /// their held-out interaction (strictly online: no later event known).
  bool ask_at_end = false;
  /// List length asked of each strategy.
  size_t k = 20;
  std::vector<rec_strategy> strategies;
  /// Called now and then with (interactions replayed, of all).
  std::function<void(size_t, size_t)> progress;
};

struct replay_figures {
  std::map<std::string, ranking_figures> by_strategy;
  double seconds = 0;
  /// Mean and largest time of one recommend call, in ms (in-process).
  double recommend_mean_ms = 0;
  double recommend_max_ms = 0;
};

result<replay_figures> replay(const dataset& d, const evaluation_split& split, const replay_settings& s);

}  // namespace persona::eval
