#include "actors/model_recovery.hpp"

#include <chrono>

#include "core/storage/model_file.hpp"
#include "core/storage/shard_files.hpp"
#include "core/storage/shard_recovery.hpp"

namespace persona {

restored_model restore_item_model(const engine_options& opts, item_model_holder& holder) {
  auto log = [&](bool warning, const std::string& line) {
    if (opts.log)
      opts.log(warning, "item model: " + line);
  };
  auto started = std::chrono::steady_clock::now();
  auto& env = opts.files ? *opts.files : posix_env();
  auto file = read_model_file(opts.data_dir, env);
  if (!file.ok() && file.error().code() == error_code::not_found) {
    // No file yet: while no shard has a snapshot, the WAL holds every
    // event, and the model learns them all as the shards replay them.
    bool whole_wal = true;
    for (size_t i = 0; i < opts.shards; ++i)
      whole_wal = whole_wal &&
                  snapshot_seqs(shard_directory(opts.data_dir, static_cast<uint32_t>(i)), 0, env).first == 0;
    if (whole_wal) {
      log(false, file.error().message() + "; it learns the whole WAL as the shards replay it");
      return {std::make_shared<item_model_builder>(opts.recommend, holder.items(), holder.categories(),
                                                   holder.brands()),
              std::vector<uint64_t>(opts.shards, 0)};
    }
  }
  if (!file.ok()) {
    bool missing = file.error().code() == error_code::not_found;
    log(!missing, file.error().message() + "; rebuilding it from the recovered profiles' recent items");
    return {};
  }
  auto rebuild = [&](const std::string& why) {
    log(true, why + "; rebuilding it from the recovered profiles' recent items");
    return restored_model{};
  };
  if (file->covered.size() != opts.shards)
    return rebuild("its file was saved by a node of " + std::to_string(file->covered.size()) + " shards");
  for (size_t i = 0; i < opts.shards; ++i) {
    // A snapshot newer than the state, and none at or before it: the
    // records in between are no longer in the WAL.
    auto [newest, at_most] =
        snapshot_seqs(shard_directory(opts.data_dir, static_cast<uint32_t>(i)), file->covered[i], env);
    if (newest > file->covered[i] && at_most == 0)
      return rebuild("its file holds shard " + std::to_string(i) + "'s WAL up to record " +
                     std::to_string(file->covered[i]) + ", and the shard's snapshots are all newer");
  }
  if (auto st = restore_names(file->sections, *holder.items(), *holder.categories(), *holder.brands());
      !st.ok())
    return rebuild(st.message());
  auto builder = std::make_shared<item_model_builder>(opts.recommend, holder.items(), holder.categories(),
                                                      holder.brands());
  if (auto st = builder->load(file->sections); !st.ok())
    return rebuild(st.message());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log(false, "state loaded from " + model_file_path(opts.data_dir) + " in " +
                 std::to_string(static_cast<int>(ms)) + " ms (" + std::to_string(builder->learnt()) +
                 " signals learnt, " + std::to_string(builder->waiting()) +
                 " waiting); the WAL records after it follow");
  return {std::move(builder), std::move(file->covered)};
}

}  // namespace persona
