#include "actors/message_types.hpp"

namespace persona {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<event>("persona.event");
  cfg.add_message_type<shard_batch>("persona.shard_batch");
  cfg.add_message_type<rejection>("persona.rejection");
  cfg.add_message_type<batch_outcome>("persona.batch_outcome");
  cfg.add_message_type<shard_stats>("persona.shard_stats");
  cfg.add_message_type<item_record>("persona.item_record");
  cfg.add_message_type<catalog_update>("persona.catalog_update");
  cfg.add_message_type<shard_snapshot>("persona.shard_snapshot");
  cfg.add_message_type<value>("persona.value");
  cfg.add_message_type<aggregate_spec>("persona.aggregate_spec");
  cfg.add_message_type<aggregate_partial>("persona.aggregate_partial");
  cfg.add_message_type<query_request>("persona.query_request");
  cfg.add_message_type<query_partial>("persona.query_partial");
}

}  // namespace persona
