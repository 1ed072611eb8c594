#include "core/storage/snapshot_file.hpp"

#include <msgpack.hpp>

#include "core/storage/record_file.hpp"
#include "core/storage/wal_record.hpp"
#include "core/util/value.hpp"

namespace persona {

namespace {

enum snapshot_kind : uint8_t {
  header_kind = 1,
  catalog_kind = 2,
  profiles_kind = 3,
  end_kind = 4,
  segments_kind = 5,
  model_kind = 6
};

template <class Fill>
std::string packed(Fill fill) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  fill(pk);
  return std::string(buf.data(), buf.size());
}

/// Reads the unsigned integer under `key` of a msgpack map; false if absent.
bool map_uint(const msgpack::object& m, const char* key, uint64_t& out) {
  if (m.type != msgpack::type::MAP)
    return false;
  for (uint32_t i = 0; i < m.via.map.size; ++i) {
    auto& kv = m.via.map.ptr[i];
    if (kv.key.type == msgpack::type::STR && kv.key.as<std::string>() == key) {
      if (kv.val.type != msgpack::type::POSITIVE_INTEGER)
        return false;
      out = kv.val.via.u64;
      return true;
    }
  }
  return false;
}

/// Counts the elements a msgpack document declares and stops it once they
/// are more than its bytes could hold (each takes one byte at least).
struct declared_elements : msgpack::null_visitor {
  explicit declared_elements(uint64_t bytes) : left(bytes) {}
  bool start_array(uint32_t n) { return take(n); }
  bool start_map(uint32_t n) { return take(uint64_t{n} * 2); }
  bool take(uint64_t n) {
    if (n > left)
      return false;
    left -= n;
    return true;
  }
  uint64_t left;
};

/// Unpacks a record's msgpack payload; false when it is malformed or
/// declares more than its bytes hold, found before anything is allocated.
bool unpack_bounded(const std::string& bytes, msgpack::object_handle& out) {
  declared_elements check(bytes.size());
  if (!msgpack::parse(bytes.data(), bytes.size(), check))
    return false;
  size_t n = bytes.size();
  out = msgpack::unpack(bytes.data(), n, nullptr, nullptr, msgpack::unpack_limit(n, n / 2, n, n, n, 64));
  return true;
}

status bad_snapshot(const std::string& path, const std::string& why) {
  return {error_code::internal, "snapshot '" + path + "' is not usable: " + why};
}

/// Walks every record of a snapshot; `on_record` returns an empty string
/// to go on or a reason to stop.
template <class OnRecord>
result<uint64_t> read_records(file_env& env, const std::string& path, OnRecord on_record) {
  auto file = env.open_for_read(path);
  if (!file.ok())
    return file.error();
  record_reader reader(std::move(*file), env.seal());
  file_record r;
  uint64_t expected_seq = 0;
  bool ended = false;
  for (;;) {
    auto o = reader.next(r);
    if (o == record_reader::outcome::end)
      break;
    if (o == record_reader::outcome::bad)
      return bad_snapshot(path, reader.problem() + " at offset " + std::to_string(reader.offset()));
    if (o == record_reader::outcome::locked)
      return status{error_code::unauthenticated, "snapshot '" + path + "' holds " + reader.problem() +
                                                     " (record at offset " + std::to_string(reader.offset()) +
                                                     ")"};
    if (ended)
      return bad_snapshot(path, "records follow its end record");
    if (r.seq != expected_seq++)
      return bad_snapshot(path, "record " + std::to_string(r.seq) + " is out of order");
    std::string why;
    try {
      why = on_record(r);
    } catch (const std::exception& e) {
      why = std::string("a record does not decode (") + e.what() + ")";
    }
    if (!why.empty())
      return bad_snapshot(path, why + " (record at offset " + std::to_string(r.offset) + ")");
    ended = r.kind == end_kind;
  }
  if (!ended)
    return bad_snapshot(path, "it has no end record (written only in part)");
  return reader.offset();
}

}  // namespace

std::string snapshot_encoder::header(const snapshot_header& h) {
  auto body = packed([&](auto& pk) {
    pk.pack_map(7);
    pk.pack(std::string("format"));
    pk.pack(snapshot_format_version);
    pk.pack(std::string("shard"));
    pk.pack(h.shard);
    pk.pack(std::string("shards"));
    pk.pack(h.shards);
    pk.pack(std::string("wal_seq"));
    pk.pack(h.wal_seq);
    pk.pack(std::string("events"));
    pk.pack(h.events);
    pk.pack(std::string("catalog_version"));
    pk.pack(h.catalog_version);
    pk.pack(std::string("created_ms"));
    pk.pack(static_cast<uint64_t>(std::max<int64_t>(0, h.created_ms)));
  });
  std::string out;
  append_record(out, next_seq_++, header_kind, body, seal_);
  return out;
}

std::string snapshot_encoder::encode_catalog(const item_catalog& c, size_t items_per_record,
                                             uint64_t first_seq, const record_seal* seal) {
  auto records = c.records();
  std::string out;
  for (size_t first = 0; first < records.size(); first += items_per_record) {
    auto last = std::min(records.size(), first + items_per_record);
    std::vector<item_record> part(
        std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(first)),
        std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(last)));
    append_record(out, first_seq++, catalog_kind, encode_catalog_payload(c.version(), part), seal);
  }
  return out;
}

std::string snapshot_encoder::catalog(const item_catalog& c, size_t items_per_record) {
  auto out = encode_catalog(c, items_per_record, next_seq_, seal_);
  next_seq_ += (c.size() + items_per_record - 1) / items_per_record;
  catalog_items_ += c.size();
  return out;
}

std::function<std::string()> snapshot_encoder::catalog_later(std::shared_ptr<const item_catalog> c,
                                                             size_t items_per_record) {
  uint64_t first = next_seq_;
  next_seq_ += (c->size() + items_per_record - 1) / items_per_record;
  catalog_items_ += c->size();
  return [c = std::move(c), items_per_record, first, seal = seal_] {
    return encode_catalog(*c, items_per_record, first, seal);
  };
}

std::string snapshot_encoder::segments(const std::vector<std::pair<std::string, value>>& definitions) {
  auto body = packed([&](auto& pk) {
    pk.pack_array(static_cast<uint32_t>(definitions.size()));
    for (auto& [name, where] : definitions) {
      auto encoded = encode_value(where);
      pk.pack_array(2);
      pk.pack(name);
      pk.pack_bin(static_cast<uint32_t>(encoded.size()));
      pk.pack_bin_body(encoded.data(), static_cast<uint32_t>(encoded.size()));
    }
  });
  std::string out;
  append_record(out, next_seq_++, segments_kind, body, seal_);
  return out;
}

std::string snapshot_encoder::cluster_model(const std::string& encoded) {
  std::string out;
  append_record(out, next_seq_++, model_kind, encoded, seal_);
  return out;
}

std::string snapshot_encoder::profiles(const std::vector<captured_profile>& batch) {
  auto body = packed([&](auto& pk) {
    pk.pack_array(static_cast<uint32_t>(batch.size()));
    for (auto& [user, image] : batch) {
      pk.pack_array(2);
      pk.pack(user);
      pk.pack_bin(static_cast<uint32_t>(image.size()));
      pk.pack_bin_body(image.data(), static_cast<uint32_t>(image.size()));
    }
  });
  profiles_ += batch.size();
  std::string out;
  append_record(out, next_seq_++, profiles_kind, body, seal_);
  return out;
}

std::string snapshot_encoder::end() {
  auto body = packed([&](auto& pk) {
    pk.pack_map(2);
    pk.pack(std::string("profiles"));
    pk.pack(profiles_);
    pk.pack(std::string("catalog_items"));
    pk.pack(catalog_items_);
  });
  std::string out;
  append_record(out, next_seq_++, end_kind, body, seal_);
  return out;
}

result<loaded_snapshot> load_snapshot(const std::string& path, profile_store& store, file_env& env) {
  loaded_snapshot out;
  bool have_header = false;
  std::vector<item_record> items;
  std::vector<std::pair<std::string, value>> segments;
  std::shared_ptr<cluster_model> model;
  uint64_t ended_profiles = 0, ended_items = 0;
  auto bytes = read_records(env, path, [&](const file_record& r) -> std::string {
    if (!have_header && r.kind != header_kind)
      return "it does not start with a header";
    switch (r.kind) {
      case header_kind: {
        if (have_header)
          return "it has two headers";
        have_header = true;
        msgpack::object_handle h;
        if (!unpack_bounded(r.payload, h))
          return "its header is not msgpack within its length";
        uint64_t format = 0, shard = 0, shards = 0, created = 0;
        auto& m = h.get();
        if (!map_uint(m, "format", format) || format < 1 || format > snapshot_format_version)
          return "its format is not a version from 1 to " + std::to_string(snapshot_format_version);
        if (!map_uint(m, "shard", shard) || !map_uint(m, "shards", shards) ||
            !map_uint(m, "wal_seq", out.header.wal_seq) || !map_uint(m, "events", out.header.events) ||
            !map_uint(m, "catalog_version", out.header.catalog_version) ||
            !map_uint(m, "created_ms", created))
          return "its header lacks a field";
        out.header.shard = static_cast<uint32_t>(shard);
        out.header.shards = static_cast<uint32_t>(shards);
        out.header.created_ms = static_cast<int64_t>(created);
        return {};
      }
      case catalog_kind: {
        wal_entry e;
        if (!decode_wal_entry(static_cast<uint8_t>(wal_kind::catalog), r.payload, e))
          return "a catalog record is malformed";
        for (auto& item : e.items)
          items.push_back(std::move(item));
        return {};
      }
      case profiles_kind: {
        msgpack::object_handle h;
        if (!unpack_bounded(r.payload, h))
          return "a profiles record is not msgpack within its length";
        auto& a = h.get();
        if (a.type != msgpack::type::ARRAY)
          return "a profiles record is not an array";
        for (uint32_t i = 0; i < a.via.array.size; ++i) {
          auto& pair = a.via.array.ptr[i];
          if (pair.type != msgpack::type::ARRAY || pair.via.array.size != 2 ||
              pair.via.array.ptr[0].type != msgpack::type::STR ||
              pair.via.array.ptr[1].type != msgpack::type::BIN)
            return "a profile entry is not [user, image]";
          auto& u = pair.via.array.ptr[0].via.str;
          auto& b = pair.via.array.ptr[1].via.bin;
          std::string user(u.ptr, u.size);
          if (auto st = store.restore(user, std::string(b.ptr, b.size)); !st.ok())
            return st.message();
          ++out.profiles;
        }
        return {};
      }
      case segments_kind: {
        msgpack::object_handle h;
        if (!unpack_bounded(r.payload, h))
          return "a segments record is not msgpack within its length";
        auto& a = h.get();
        if (a.type != msgpack::type::ARRAY)
          return "a segments record is not an array";
        for (uint32_t i = 0; i < a.via.array.size; ++i) {
          auto& pair = a.via.array.ptr[i];
          if (pair.type != msgpack::type::ARRAY || pair.via.array.size != 2 ||
              pair.via.array.ptr[0].type != msgpack::type::STR ||
              pair.via.array.ptr[1].type != msgpack::type::BIN)
            return "a segment entry is not [name, condition]";
          auto& n = pair.via.array.ptr[0].via.str;
          auto& b = pair.via.array.ptr[1].via.bin;
          value where;
          if (!decode_value(std::string(b.ptr, b.size), where))
            return "a segment's condition does not decode";
          segments.emplace_back(std::string(n.ptr, n.size), std::move(where));
        }
        return {};
      }
      case model_kind: {
        auto m = std::make_shared<persona::cluster_model>();
        if (!decode_cluster_model(r.payload, *m))
          return "the cluster model record is malformed";
        model = std::move(m);
        return {};
      }
      case end_kind: {
        msgpack::object_handle h;
        if (!unpack_bounded(r.payload, h))
          return "its end record is not msgpack within its length";
        if (!map_uint(h.get(), "profiles", ended_profiles) ||
            !map_uint(h.get(), "catalog_items", ended_items))
          return "its end record lacks a count";
        return {};
      }
      default:
        return "a record of unknown kind " + std::to_string(r.kind);
    }
  });
  if (!bytes.ok())
    return bytes.error();
  if (ended_profiles != out.profiles || ended_items != items.size())
    return bad_snapshot(path, "it holds " + std::to_string(out.profiles) + " profiles and " +
                                  std::to_string(items.size()) + " items but its end record says " +
                                  std::to_string(ended_profiles) + " and " + std::to_string(ended_items));
  out.bytes = *bytes;
  out.catalog = item_catalog().with(items, out.header.catalog_version);
  store.set_event_count(out.header.events);
  // Clusters and membership are not stored per profile: they are
  // evaluated again over the loaded profiles.
  if (model)
    store.clusters().install(store, std::move(model), store.newest_event_ms());
  for (auto& [name, where] : segments)
    if (auto r = store.segments().define(store, name, where, store.newest_event_ms()); !r.ok())
      return bad_snapshot(path, "segment '" + name + "' does not compile: " + r.error().message());
  return out;
}

status verify_snapshot(const std::string& path, file_env& env) {
  auto r = read_records(env, path, [](const file_record&) { return std::string(); });
  return r.ok() ? status{} : r.error();
}

}  // namespace persona
