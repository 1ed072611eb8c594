// model_recovery: a node's item model at start. Reads the item model file
// of the data directory (core/storage/model_file.hpp) into a builder over
// the node's name indexes, with the last WAL record of each shard the
// state holds; recovery then feeds it the records after those
// (node_recovery.hpp). Without a file while no shard has a snapshot, a
// new builder learns the whole WAL. A missing, damaged or unusable file is
// otherwise logged and the model is rebuilt from the recovered profiles'
// recent items. Runs on the recovery thread, before any shard or the
// item model actor exists (nothing has interned a name yet).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "actors/engine.hpp"
#include "core/model/item_model.hpp"
#include "core/model/item_model_builder.hpp"

namespace persona {

struct restored_model {
  /// Null: nothing restored (rebuild from the profiles).
  std::shared_ptr<item_model_builder> builder;
  /// Per shard: the last WAL record the state holds.
  std::vector<uint64_t> covered;
};

/// Loads `opts.data_dir`'s item model file into a builder over `holder`'s
/// name indexes, when it is there, reads back whole, and each shard's WAL
/// still holds the records after the ones it covers.
restored_model restore_item_model(const engine_options& opts, item_model_holder& holder);

}  // namespace persona
