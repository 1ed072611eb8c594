// persona-eval: the offline evaluation of docs/evaluation.md. Replays a
// dataset of interactions in time order through an in-process engine,
// holds out each user's last interaction (users with at least
// --min-interactions), asks `recommend` at that moment, and reports
// HR@10, NDCG@10, Recall@20 and catalog coverage next to batch baselines
// fit on the same split: popularity, ItemKNN (cosine) and EASE (lambda
// tuned on a validation split: each user's second-to-last interaction).
// With --propensity it also measures the purchase propensity model's AUC
// on the load generator's simulated shop, and with --churn the churn risk
// and next purchase predictions on a retail transaction table.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "core/util/command_line.hpp"
#include "tools/eval/baseline_recommenders.hpp"
#include "tools/eval/churn_check.hpp"
#include "tools/eval/engine_replay.hpp"
#include "tools/eval/propensity_check.hpp"
#include "tools/eval/wire_replay.hpp"

using namespace persona;
using namespace persona::eval;

namespace {

const char* usage =
    "usage: persona-eval --ratings=FILE [--items=FILE] [options]\n"
    "       persona-eval --propensity [--propensity-users=N] [--propensity-days=D] "
    "[--propensity-seeds=A,B,...]\n"
    "       persona-eval --churn=FILE [--churn-cut=DATE] [--churn-horizon-days=N] [--churn-folds=K]\n"
    "\n"
    "  --ratings=FILE        CSV of interactions with a header: user, item and time columns\n"
    "                        (userId/user, movieId/itemId/item, timestamp/ts; seconds or ms),\n"
    "                        an optional rating/value column\n"
    "  --items=FILE          CSV of items: id and genres/categories ('|'-separated), optional brand\n"
    "  --min-interactions=N  users with fewer are not evaluated (default 5)\n"
    "  --shards=N            engine shards (default 2)\n"
    "  --history=N           recent items each profile keeps, so exclude_seen covers the\n"
    "                        whole history as the baselines' does (default 10000)\n"
    "  --lambdas=A,B,...     EASE regularization values tried on validation (default "
    "5,10,20,50,100,200,500)\n"
    "  --validation          report on the validation split instead of the test split\n"
    "  --ask=at-time|end     ask each held-out user at the moment of their held-out interaction\n"
    "                        (default: strictly online, no later event known) or after the\n"
    "                        whole training stream (what the batch baselines know)\n"
    "  --node=HOST:PORT      evaluate a running personad over the wire instead of an engine in\n"
    "                        this process: send the training stream through ingest at full\n"
    "                        speed, wait until stats says the item model caught up, ask\n"
    "                        recommend for every held-out user (what --ask=end knows); the\n"
    "                        node's own settings apply (scripts/eval-wire.sh)\n"
    "  --no-baselines        skip the batch baselines (popularity, ItemKNN, EASE)\n"
    "  --no-ingest           with --node: only wait and ask (a node restarted on its data)\n"
    "  --tune                search the item model's time scales and the auto blend's weights\n"
    "                        on the validation split first, then use them for the test\n"
    "  --propensity          measure the propensity model's AUC on simulated shoppers\n"
    "  --propensity-users=N  shoppers at the start (default 20000)\n"
    "  --propensity-days=D   simulated days before the cut (default 28: four weeks of the\n"
    "                        shop's stream, by which the online model has converged)\n"
    "  --propensity-seeds=A,B,...\n"
    "                        the simulated shops' seeds, each shop measured in turn\n"
    "                        (default 42); more than one adds the lowest and mean AUC\n"
    "  --propensity-pairwise=0|1, --propensity-learning-rate=X, --propensity-replay-steps=N,\n"
    "  --propensity-replay=N (examples kept for replay), --propensity-l2=X,\n"
    "  --propensity-probe-spread-hours=H\n"
    "                        the model's settings (core/model/item_model_config.hpp)\n"
    "  --propensity-sample-rate=X, --propensity-census-share=X, --propensity-census-hours=H\n"
    "                        how examples are drawn (core/model/propensity_labeller.hpp)\n"
    "  --churn=FILE          measure churn_risk and next_purchase_days on a transaction CSV with a\n"
    "                        header: user (household_id/user_id/customer_id), item (product_id/\n"
    "                        item_id/stockcode), optional basket (basket_id/invoice), time\n"
    "                        (transaction_timestamp/timestamp/invoicedate/date: YYYY-MM-DD[ HH:MM:SS]\n"
    "                        as UTC, or seconds/ms), optional quantity, amount (sales_value/amount)\n"
    "                        or unit price; rows with quantity or amount <= 0 are dropped\n"
    "  --churn-cut=DATE      purchases before it are replayed, predictions asked at it (default\n"
    "                        2017-10-01)\n"
    "  --churn-horizon-days=N  churned: no basket within N days after the cut (default 30; the\n"
    "                        engine's label horizon too)\n"
    "  --churn-folds=K       cross-validation folds of the batch regression (default 5)\n"
    "\n"
    "Item model settings for experiments (core/model/item_model_config.hpp): --half-life-days,\n"
    "--history-decay, --shrink, --pair-context, --pair-half-life-days, --mf-steps,\n"
    "--history-items, --neighbours, --w-mf, --w-content, --w-popular (numbers).\n";

/// The parts of a comma-separated list, each read by `read(part, value)`;
/// empty when one is empty or `read` refuses it.
template <typename T, typename Read>
std::vector<T> parse_list(const std::string& text, Read read) {
  std::vector<T> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    T x{};
    if (part.empty() || !read(part, x))
      return {};
    out.push_back(x);
  }
  return out;
}

/// The positive numbers of a comma-separated list; empty when one is not.
std::vector<double> parse_positive_list(const std::string& text) {
  return parse_list<double>(text, [](const std::string& part, double& x) {
    char* end = nullptr;
    x = std::strtod(part.c_str(), &end);
    return *end == '\0' && x > 0;
  });
}

/// The whole numbers of a comma-separated list; empty when one is not.
std::vector<uint64_t> parse_whole_list(const std::string& text) {
  return parse_list<uint64_t>(text, [](const std::string& part, uint64_t& n) {
    char* end = nullptr;
    errno = 0;
    n = std::strtoull(part.c_str(), &end, 10);
    return part[0] >= '0' && part[0] <= '9' && *end == '\0' && errno != ERANGE;
  });
}

void print_row(const std::string& name, const ranking_figures& f) {
  std::printf("| %-28s | %6.4f | %7.4f | %9.4f | %8.4f |\n", name.c_str(), f.hr10, f.ndcg10, f.recall20,
              f.coverage);
}

ranking_figures evaluate_baseline(const baseline_recommender& model,
                                  const std::vector<std::vector<uint32_t>>& hist,
                                  const std::vector<held_out>& targets, size_t catalog) {
  ranking_metrics m(catalog);
  for (auto& t : targets)
    m.add(model.recommend(hist[t.user], 20), t.item);
  return m.figures();
}

size_t catalog_size(const evaluation_split& split, uint8_t phase) {
  std::vector<bool> in;
  size_t n = 0;
  for (size_t i = 0; i < split.ordered.size(); ++i) {
    if (split.role[i] >= phase)
      continue;
    auto item = split.ordered[i].item;
    if (in.size() <= item)
      in.resize(item + 1, false);
    if (!in[item]) {
      in[item] = true;
      ++n;
    }
  }
  return n;
}

void progress_line(const char* what, size_t done, size_t total) {
  std::fprintf(stderr, "\r%s: %zu / %zu interactions", what, done, total);
  if (done == total)
    std::fprintf(stderr, "\n");
}

/// Coordinate search of the item model's time scales and the auto blend's
/// weights, scored by HR@10 + NDCG@10 of `auto` on the validation split.
item_model_config tune_on_validation(const dataset& data, const evaluation_split& split, replay_settings rs) {
  rs.phase = 1;
  rs.strategies = {rec_strategy::automatic};
  rs.progress = nullptr;
  auto score = [&](const item_model_config& c) {
    rs.engine.recommend = c;
    auto r = replay(data, split, rs);
    if (!r.ok()) {
      std::fprintf(stderr, "persona-eval: %s\n", r.error().message().c_str());
      std::exit(1);
    }
    auto& f = r->by_strategy.at("auto");
    std::fprintf(stderr,
                 "  popularity %g d, pairs %g d, shrink %g, blend mf %.2f content %.2f popular %.2f: "
                 "validation HR@10 %.4f NDCG@10 %.4f\n",
                 c.popularity_half_life_days, c.cooccurrence_half_life_days, c.similarity_shrink, c.blend.mf,
                 c.blend.content, c.blend.popular, f.hr10, f.ndcg10);
    return f.hr10 + f.ndcg10;
  };
  auto best = rs.engine.recommend;
  double best_score = score(best);
  struct axis {
    double* (*field)(item_model_config&);
    std::vector<double> values;
  };
  std::vector<axis> axes = {
      {[](item_model_config& c) { return &c.popularity_half_life_days; }, {3, 7, 30, 90}},
      {[](item_model_config& c) { return &c.cooccurrence_half_life_days; }, {0, 90, 180, 365, 1000}},
      {[](item_model_config& c) { return &c.similarity_shrink; }, {3, 30, 100, 300}},
      {[](item_model_config& c) { return &c.blend.mf; }, {0, 0.1, 0.3}},
      {[](item_model_config& c) { return &c.blend.content; }, {0, 0.05, 0.15, 0.4}},
      {[](item_model_config& c) { return &c.blend.popular; }, {0, 0.1, 0.25, 0.5}},
  };
  std::fprintf(stderr, "tuning on the validation split:\n");
  for (int round = 0; round < 2; ++round)
    for (auto& a : axes)
      for (double v : a.values) {
        auto c = best;
        if (*a.field(c) == v)
          continue;
        *a.field(c) = v;
        double s = score(c);
        if (s > best_score) {
          best_score = s;
          best = c;
        }
      }
  return best;
}

int run_propensity(int argc, char** argv) {
  propensity_settings s;
  s.engine.shards = flag_value(argc, argv, "shards", 2);
  s.engine.worker_threads = s.engine.shards;
  s.users = static_cast<uint32_t>(flag_value(argc, argv, "propensity-users", 20000));
  s.days = static_cast<double>(flag_value(argc, argv, "propensity-days", 28));
  auto seeds = parse_whole_list(flag_text(argc, argv, "propensity-seeds", "42"));
  if (seeds.empty()) {
    std::fprintf(stderr,
                 "persona-eval: --propensity-seeds wants whole numbers separated by commas, e.g. 1,2,42\n");
    return 2;
  }
  auto& model = s.engine.recommend;
  model.propensity_pairwise = flag_value(argc, argv, "propensity-pairwise", 1) != 0;
  model.propensity_learning_rate =
      flag_real(argc, argv, "propensity-learning-rate", model.propensity_learning_rate);
  model.propensity_replay_steps =
      static_cast<uint32_t>(flag_value(argc, argv, "propensity-replay-steps", model.propensity_replay_steps));
  model.propensity_replay =
      static_cast<uint32_t>(flag_value(argc, argv, "propensity-replay", model.propensity_replay));
  model.propensity_l2 = flag_real(argc, argv, "propensity-l2", model.propensity_l2);
  s.engine.propensity.probe_spread_ms = static_cast<int64_t>(
      3600000.0 * flag_real(argc, argv, "propensity-probe-spread-hours",
                            static_cast<double>(s.engine.propensity.probe_spread_ms) / 3600000.0));
  s.engine.propensity.sample_rate =
      flag_real(argc, argv, "propensity-sample-rate", s.engine.propensity.sample_rate);
  s.engine.propensity.census_share =
      flag_real(argc, argv, "propensity-census-share", s.engine.propensity.census_share);
  s.engine.propensity.census_interval_ms = static_cast<int64_t>(
      3600000.0 * flag_real(argc, argv, "propensity-census-hours",
                            static_cast<double>(s.engine.propensity.census_interval_ms) / 3600000.0));
  s.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  std::vector<propensity_figures> shops;
  for (auto seed : seeds) {
    s.seed = seed;
    if (seeds.size() > 1)
      std::fprintf(stderr, "shop %zu of %zu (seed %llu)\n", shops.size() + 1, seeds.size(),
                   static_cast<unsigned long long>(seed));
    auto r = check_propensity(s);
    if (!r.ok()) {
      std::fprintf(stderr, "persona-eval: seed %llu: %s\n", static_cast<unsigned long long>(seed),
                   r.error().message().c_str());
      return 1;
    }
    shops.push_back(*r);
  }
  std::printf("propensity on the simulated shop (%u shoppers, %.0f days, then one day held out)\n", s.users,
              s.days);
  std::printf(
      "| seed | shoppers predicted | buyers next day | training events | examples learned | ROC AUC |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  double seconds = 0, sum = 0, lowest = 1;
  for (size_t i = 0; i < shops.size(); ++i) {
    auto& r = shops[i];
    std::printf("| %llu | %llu | %llu | %llu | %llu | %.4f |\n", static_cast<unsigned long long>(seeds[i]),
                static_cast<unsigned long long>(r.predicted), static_cast<unsigned long long>(r.positives),
                static_cast<unsigned long long>(r.training_events),
                static_cast<unsigned long long>(r.examples), r.auc);
    seconds += r.seconds;
    sum += r.auc;
    lowest = std::min(lowest, r.auc);
  }
  if (shops.size() > 1)
    std::printf("AUC over %zu shops: lowest %.4f, mean %.4f\n", shops.size(), lowest,
                sum / static_cast<double>(shops.size()));
  std::printf("(%.1f s)\n", seconds);
  return 0;
}

int run_churn(int argc, char** argv) {
  auto path = flag_text(argc, argv, "churn", "");
  auto cut_text = flag_text(argc, argv, "churn-cut", "2017-10-01");
  auto cut = parse_time_ms(cut_text);
  if (!cut) {
    std::fprintf(stderr, "persona-eval: --churn-cut wants a date YYYY-MM-DD, got '%s'\n", cut_text.c_str());
    return 2;
  }
  churn_settings s;
  s.cut_ms = *cut;
  uint64_t horizon_days = flag_value(argc, argv, "churn-horizon-days", 30);
  s.folds = static_cast<size_t>(flag_value(argc, argv, "churn-folds", 5));
  if (horizon_days == 0 || s.folds < 2) {
    std::fprintf(stderr, "persona-eval: --churn-horizon-days wants at least 1, --churn-folds at least 2\n");
    return 2;
  }
  s.horizon_ms = static_cast<int64_t>(horizon_days) * 86400000;
  s.engine.recommend.churn_horizon_ms = s.horizon_ms;
  s.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto table = read_transactions(path);
  if (!table.ok()) {
    std::fprintf(stderr, "persona-eval: %s\n", table.error().message().c_str());
    return 1;
  }
  auto r = check_churn(*table, s);
  if (!r.ok()) {
    std::fprintf(stderr, "persona-eval: %s\n", r.error().message().c_str());
    return 1;
  }
  auto& f = *r;
  std::printf(
      "churn and next purchase on %s: %zu rows (%zu dropped: quantity or amount <= 0), "
      "%zu purchases before %s replayed (%zu rejected), %zu users, %zu churned "
      "(no basket within %llu days)\n",
      path.c_str(), table->rows.size(), table->dropped, f.events, cut_text.c_str(), f.rejected, f.users,
      f.churned, static_cast<unsigned long long>(horizon_days));
  std::printf("| churn | ROC AUC |\n| --- | --- |\n");
  std::printf("| churn_risk (%s, %llu examples) | %.4f |\n",
              f.learnt ? "learnt online" : "recency rule: too few examples",
              static_cast<unsigned long long>(f.examples), f.auc_engine);
  std::printf("| days since last basket | %.4f |\n", f.auc_recency);
  std::printf("| logistic regression, %zu-fold CV | %.4f |\n", s.folds, f.auc_batch);
  std::printf("\n| next purchase (%zu users: two baskets before, one after) | MAE (days) |\n| --- | --- |\n",
              f.next_users);
  std::printf("| next_purchase_days | %.2f |\n", f.mae_engine);
  std::printf("| median gap - days since last basket | %.2f |\n", f.mae_rule);
  if (f.mae_rule > 0)
    std::printf("\nnext_purchase_days: %.1f%% below the median-gap rule; %.1f s\n",
                100.0 * (1.0 - f.mae_engine / f.mae_rule), f.seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--help") || argc < 2) {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char* valued =
      "ratings items min-interactions shards history lambdas ask propensity-users propensity-days "
      "propensity-seeds "
      "propensity-pairwise propensity-learning-rate propensity-replay-steps propensity-replay propensity-l2 "
      "propensity-probe-spread-hours "
      "propensity-sample-rate "
      "propensity-census-share propensity-census-hours churn churn-cut churn-horizon-days churn-folds "
      "half-life-days history-decay shrink pair-context pair-half-life-days mf-steps history-items "
      "neighbours w-mf w-content w-popular node";
  const char* bare = "help validation tune propensity no-ingest no-baselines";
  if (auto wrong = unknown_flag(argc, argv, valued, bare); !wrong.empty()) {
    std::fprintf(stderr, "persona-eval: %s\n", wrong.c_str());
    return 2;
  }
  auto ask = flag_text(argc, argv, "ask", "at-time");
  if (ask != "at-time" && ask != "end") {
    std::fprintf(stderr, "persona-eval: --ask must be at-time or end, got '%s'\n", ask.c_str());
    return 2;
  }
  auto lambdas = parse_positive_list(flag_text(argc, argv, "lambdas", "5,10,20,50,100,200,500"));
  if (lambdas.empty()) {
    std::fprintf(stderr, "persona-eval: --lambdas wants positive numbers separated by commas, e.g. 10,100\n");
    return 2;
  }
  if (has_flag(argc, argv, "--propensity"))
    return run_propensity(argc, argv);
  if (last_flag(argc, argv, "churn"))
    return run_churn(argc, argv);
  replay_settings rs;
  rs.engine.shards = flag_value(argc, argv, "shards", 2);
  rs.engine.worker_threads = rs.engine.shards;
  rs.engine.profile.caps.recent_items = flag_value(argc, argv, "history", 10000);
  rs.k = 20;
  rs.ask_at_end = ask == "end";
  auto& rc = rs.engine.recommend;
  auto real = [&](const char* name, double fallback) { return flag_real(argc, argv, name, fallback); };
  rc.popularity_half_life_days = real("half-life-days", rc.popularity_half_life_days);
  rc.history_decay = real("history-decay", rc.history_decay);
  rc.similarity_shrink = real("shrink", rc.similarity_shrink);
  rc.pair_context = static_cast<uint32_t>(real("pair-context", rc.pair_context));
  // A replay runs years per minute: learn from every signal, as a node
  // does at any real shop's pace below the budget.
  rc.learn_signals_per_second = 1e12;
  rc.cooccurrence_half_life_days = real("pair-half-life-days", rc.cooccurrence_half_life_days);
  rc.mf_steps_per_signal = real("mf-steps", rc.mf_steps_per_signal);
  rc.history_items = static_cast<uint32_t>(real("history-items", rc.history_items));
  rc.neighbours_kept = static_cast<uint32_t>(real("neighbours", rc.neighbours_kept));
  rc.blend.mf = real("w-mf", rc.blend.mf);
  rc.blend.content = real("w-content", rc.blend.content);
  rc.blend.popular = real("w-popular", rc.blend.popular);

  auto ratings = flag_text(argc, argv, "ratings", "");
  if (ratings.empty()) {
    std::fprintf(stderr, "persona-eval: --ratings=FILE is required\n%s", usage);
    return 2;
  }
  auto data = read_dataset(ratings, flag_text(argc, argv, "items", ""));
  if (!data.ok()) {
    std::fprintf(stderr, "persona-eval: %s\n", data.error().message().c_str());
    return 2;
  }
  size_t min_interactions = flag_value(argc, argv, "min-interactions", 5);
  if (min_interactions < 2) {
    std::fprintf(stderr,
                 "persona-eval: --min-interactions must be at least 2 (a test and a validation item)\n");
    return 2;
  }
  auto split = leave_last_out(data->interactions, min_interactions);
  auto users = static_cast<uint32_t>(data->user_names.size());
  auto items = static_cast<uint32_t>(data->item_names.size());
  std::printf(
      "dataset: %s: %u users, %u items, %zu interactions; %zu users evaluated (>= %zu interactions)\n\n",
      ratings.c_str(), users, items, data->interactions.size(), split.test.size(), min_interactions);
  if (split.test.empty()) {
    std::fprintf(stderr, "persona-eval: no user has %zu interactions; lower --min-interactions\n",
                 min_interactions);
    return 2;
  }

  if (has_flag(argc, argv, "--tune")) {
    rs.engine.recommend = tune_on_validation(*data, split, rs);
    auto& t = rs.engine.recommend;
    std::printf(
        "tuned on the validation split: popularity half-life %g days, pair half-life %g days, "
        "similarity shrink %g; auto blend item_cf %.2f, mf %.2f, content %.2f, popular %.2f\n\n",
        t.popularity_half_life_days, t.cooccurrence_half_life_days, t.similarity_shrink, t.blend.item_cf,
        t.blend.mf, t.blend.content, t.blend.popular);
  }

  // Baselines: EASE's lambda chosen on the validation split.
  bool baselines = !has_flag(argc, argv, "--no-baselines");
  auto train_val = histories(split, 1, users);
  size_t catalog_val = catalog_size(split, 1);
  double best_lambda = 0, best_ndcg = -1;
  for (double lambda : baselines ? lambdas : std::vector<double>{}) {
    auto model = fit_ease(train_val, items, lambda);
    auto f = evaluate_baseline(*model, train_val, split.validation, catalog_val);
    std::fprintf(stderr, "EASE lambda %g: validation HR@10 %.4f NDCG@10 %.4f\n", lambda, f.hr10, f.ndcg10);
    if (f.ndcg10 > best_ndcg) {
      best_ndcg = f.ndcg10;
      best_lambda = lambda;
    }
  }
  // --validation: every figure on the validation split (for experiments
  // that must not look at the test split).
  uint8_t phase = has_flag(argc, argv, "--validation") ? 1 : 2;
  auto& targets = phase == 1 ? split.validation : split.test;
  auto train = histories(split, phase, users);
  size_t catalog = catalog_size(split, phase);
  std::vector<std::pair<std::string, ranking_figures>> rows;
  if (baselines) {
    rows.emplace_back("popularity",
                      evaluate_baseline(*fit_popularity(train, items), train, targets, catalog));
    rows.emplace_back("ItemKNN (cosine)",
                      evaluate_baseline(*fit_item_knn(train, items), train, targets, catalog));
    char ease_name[64];
    std::snprintf(ease_name, sizeof ease_name, "EASE (lambda %g)", best_lambda);
    rows.emplace_back(ease_name,
                      evaluate_baseline(*fit_ease(train, items, best_lambda), train, targets, catalog));
  }

  rs.phase = phase;
  rs.strategies = {rec_strategy::popular, rec_strategy::item_cf, rec_strategy::content, rec_strategy::mf,
                   rec_strategy::automatic};
  rs.progress = [](size_t done, size_t total) { progress_line("replay", done, total); };
  auto node = flag_text(argc, argv, "node", "");
  result<replay_figures> persona_figures = status{error_code::internal, "not run"};
  if (node.empty()) {
    persona_figures = replay(*data, split, rs);
  } else {
    wire_settings ws;
    auto colon = node.rfind(':');
    ws.host = colon == std::string::npos ? node : node.substr(0, colon);
    ws.port = static_cast<uint16_t>(colon == std::string::npos ? 7400 : std::atoi(node.c_str() + colon + 1));
    ws.ingest = !has_flag(argc, argv, "--no-ingest");
    ws.phase = phase;
    ws.strategies = rs.strategies;
    auto wire = replay_over_wire(*data, split, ws);
    if (wire.ok()) {
      std::printf(
          "node %s: ingest %.1f s, item model caught up %.1f s later: %llu signals, %llu learnt, %llu "
          "dropped\n\n",
          node.c_str(), wire->ingest_seconds, wire->catch_up_seconds,
          static_cast<unsigned long long>(wire->signals), static_cast<unsigned long long>(wire->learnt),
          static_cast<unsigned long long>(wire->dropped));
      persona_figures = std::move(wire->figures);
    } else {
      persona_figures = wire.error();
    }
  }
  if (!persona_figures.ok()) {
    std::fprintf(stderr, "persona-eval: %s\n", persona_figures.error().message().c_str());
    return 1;
  }
  std::printf("| %-28s | HR@10  | NDCG@10 | Recall@20 | coverage |\n", "method");
  std::printf("| %-28s | ------ | ------- | --------- | -------- |\n", "---");
  for (auto& [name, f] : rows)
    print_row(name, f);
  for (auto name : {"popular", "item_cf", "content", "mf", "auto"})
    print_row(std::string("Persona ") + name, persona_figures->by_strategy.at(name));
  double best_hr = 0, best_nd = 0;
  for (auto& [name, f] : rows) {
    best_hr = std::max(best_hr, f.hr10);
    best_nd = std::max(best_nd, f.ndcg10);
  }
  auto& a = persona_figures->by_strategy.at("auto");
  if (!rows.empty())
    std::printf("\nauto against the best baseline: HR@10 %+.1f%%, NDCG@10 %+.1f%%\n",
                best_hr > 0 ? (a.hr10 / best_hr - 1) * 100 : 0.0,
                best_nd > 0 ? (a.ndcg10 / best_nd - 1) * 100 : 0.0);
  std::printf("replay: %.1f s; recommend %s: mean %.3f ms, max %.3f ms\n", persona_figures->seconds,
              node.empty() ? "in-process" : "over the wire", persona_figures->recommend_mean_ms,
              persona_figures->recommend_max_ms);
  return 0;
}
