// wal_record: what a shard's write-ahead log holds. Each change a shard
// makes is one record (framed by record_file.hpp), written before the
// change is answered; recovery replays them in sequence order. Payload
// layouts are in docs/formats.md ("write-ahead log"). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/profile/event.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/util/value.hpp"

namespace persona {

/// The kinds of WAL record.
enum class wal_kind : uint8_t {
  /// Validated events of one ingest call that belong to the shard.
  batch = 1,
  /// set_attributes: user and attribute map.
  attributes = 2,
  /// delete_profile, or the source side of a merge: user.
  erase = 3,
  /// The target side of a merge: target, fold id and the source's image.
  fold = 4,
  /// upsert_items: the catalog version it makes and its records.
  catalog = 5,
  /// define_segment: name and condition.
  segment_define = 6,
  /// drop_segment: name.
  segment_drop = 7,
  /// train_clusters: the model (kmeans.hpp), set on every profile.
  cluster_model = 8,
  /// set_consent: user and consent map (consent.hpp).
  consent = 9,
};

/// A WAL record's content, decoded. Only the members of `kind` are set.
struct wal_entry {
  wal_kind kind = wal_kind::batch;
  std::vector<event> events;
  std::string user;
  /// The attribute map (attributes) or the consent map (consent).
  value attributes;
  uint64_t fold_id = 0;
  std::string image;
  uint64_t catalog_version = 0;
  std::vector<item_record> items;
  std::string segment;
  value where;
  /// The encoded cluster model.
  std::string model;
};

/// Writes the payload of a batch record into `out`, reusing its capacity.
void encode_batch_payload(std::string& out, const std::vector<event>& events);
std::string encode_attributes_payload(const std::string& user, const value& attributes);
std::string encode_erase_payload(const std::string& user);
std::string encode_consent_payload(const std::string& user, const value& consent);
std::string encode_fold_payload(const std::string& target, uint64_t fold_id, const std::string& image);
std::string encode_catalog_payload(uint64_t version, const std::vector<item_record>& items);
std::string encode_segment_define_payload(const std::string& name, const value& where);
std::string encode_segment_drop_payload(const std::string& name);

/// Decodes a payload of `kind`; false when it is malformed or the kind unknown.
bool decode_wal_entry(uint8_t kind, const std::string& payload, wal_entry& out);

}  // namespace persona
