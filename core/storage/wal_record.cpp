#include "core/storage/wal_record.hpp"

#include <algorithm>

#include "core/profile/event_codec.hpp"
#include "core/util/byte_codec.hpp"

namespace persona {

namespace {

void put_item(byte_writer& w, const item_record& r) {
  w.put_string(r.item);
  w.put_varint(r.info.categories.size());
  for (auto& c : r.info.categories)
    w.put_string(c);
  w.put_string(r.info.brand);
  w.put_f64(r.info.price);
  w.put_varint(r.info.tags.size());
  for (auto& t : r.info.tags)
    w.put_string(t);
}

/// The fewest bytes an encoded event takes: present, user, type, time.
constexpr size_t min_event_bytes = 1 + 1 + 1 + 8;
/// The fewest bytes an encoded item record takes: item, categories,
/// brand, price, tags.
constexpr size_t min_item_bytes = 1 + 1 + 1 + 8 + 1;

/// Elements reserved ahead from a declared count; beyond it, vectors grow
/// as elements decode, so a corrupt count costs no more memory than the
/// bytes that follow.
constexpr uint64_t max_reserved = 4096;

/// Reads a count of elements of at least `min_bytes` each; false when
/// the bytes left cannot hold that many.
bool get_element_count(byte_reader& r, uint64_t& n, size_t min_bytes) {
  return r.get_varint(n) && n <= r.remaining() / min_bytes;
}

bool get_strings(byte_reader& r, std::vector<std::string>& out) {
  uint64_t n = 0;
  if (!get_element_count(r, n, 1))
    return false;
  // Grown as strings decode: a corrupt count costs no more memory than
  // the bytes that follow.
  out.clear();
  for (uint64_t i = 0; i < n; ++i)
    if (!r.get_string(out.emplace_back()))
      return false;
  return true;
}

bool get_item(byte_reader& r, item_record& out) {
  return r.get_string(out.item) && get_strings(r, out.info.categories) && r.get_string(out.info.brand) &&
         r.get_f64(out.info.price) && get_strings(r, out.info.tags);
}

}  // namespace

void encode_batch_payload(std::string& out, const std::vector<event>& events) {
  byte_writer w(std::move(out));
  w.put_varint(events.size());
  for (auto& e : events)
    encode_event(w, e);
  out = w.take();
}

std::string encode_attributes_payload(const std::string& user, const value& attributes) {
  byte_writer w;
  w.put_string(user);
  w.put_string(encode_value(attributes));
  return w.take();
}

std::string encode_consent_payload(const std::string& user, const value& consent) {
  return encode_attributes_payload(user, consent);
}

std::string encode_erase_payload(const std::string& user) {
  byte_writer w;
  w.put_string(user);
  return w.take();
}

std::string encode_fold_payload(const std::string& target, uint64_t fold_id, const std::string& image) {
  byte_writer w;
  w.put_string(target);
  w.put_u64(fold_id);
  w.put_string(image);
  return w.take();
}

std::string encode_catalog_payload(uint64_t version, const std::vector<item_record>& items) {
  byte_writer w;
  w.put_u64(version);
  w.put_varint(items.size());
  for (auto& r : items)
    put_item(w, r);
  return w.take();
}

std::string encode_segment_define_payload(const std::string& name, const value& where) {
  byte_writer w;
  w.put_string(name);
  w.put_string(encode_value(where));
  return w.take();
}

std::string encode_segment_drop_payload(const std::string& name) {
  byte_writer w;
  w.put_string(name);
  return w.take();
}

bool decode_wal_entry(uint8_t kind, const std::string& payload, wal_entry& out) {
  byte_reader r(payload);
  out = wal_entry{};
  out.kind = static_cast<wal_kind>(kind);
  switch (out.kind) {
    case wal_kind::batch: {
      uint64_t n = 0;
      if (!get_element_count(r, n, min_event_bytes))
        return false;
      out.events.reserve(std::min<uint64_t>(n, max_reserved));
      for (uint64_t i = 0; i < n; ++i)
        if (!decode_event(r, out.events.emplace_back()))
          return false;
      break;
    }
    case wal_kind::attributes:
    case wal_kind::consent: {
      std::string encoded;
      if (!r.get_string(out.user) || !r.get_string(encoded) || !decode_value(encoded, out.attributes))
        return false;
      break;
    }
    case wal_kind::erase:
      if (!r.get_string(out.user))
        return false;
      break;
    case wal_kind::fold:
      if (!r.get_string(out.user) || !r.get_u64(out.fold_id) || !r.get_string(out.image))
        return false;
      break;
    case wal_kind::catalog: {
      uint64_t n = 0;
      if (!r.get_u64(out.catalog_version) || !get_element_count(r, n, min_item_bytes))
        return false;
      out.items.reserve(std::min<uint64_t>(n, max_reserved));
      for (uint64_t i = 0; i < n; ++i)
        if (!get_item(r, out.items.emplace_back()))
          return false;
      break;
    }
    case wal_kind::segment_define: {
      std::string encoded;
      if (!r.get_string(out.segment) || !r.get_string(encoded) || !decode_value(encoded, out.where))
        return false;
      break;
    }
    case wal_kind::segment_drop:
      if (!r.get_string(out.segment))
        return false;
      break;
    case wal_kind::cluster_model:
      out.model = payload;
      return true;
    default:
      return false;
  }
  return r.remaining() == 0;
}

}  // namespace persona
