#include "tools/loadgen/event_encoding.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <msgpack.hpp>

#include "net/msgpack_value.hpp"

namespace persona::loadgen {

namespace {

/// The event's keys and values, in wire order, handed to a writer that
/// knows one output format: str(key, text), integer(key, n), real(key, x).
template <class Writer>
void for_each_key(const sim_event& e, const shop_catalog& catalog, Writer& w) {
  w.str("user", sim_event::user_id(e.user));
  w.str("type", to_string(e.type));
  w.integer("ts", e.ts);
  if (e.item != no_item)
    w.str("item", shop_catalog::item_id(e.item));
  w.str("session", "s" + std::to_string(e.session));
  if (e.type == event_type::search)
    w.str("query", shop_catalog::category_name(e.query_category));
  if (e.type == event_type::rating)
    w.real("value", e.rating);
  if (e.type == event_type::purchase || e.type == event_type::refund) {
    w.real("price", catalog.price_of(e.item));
    w.integer("quantity", e.quantity);
  }
  if (e.with_context) {
    w.str("device", "d" + std::to_string(e.device));
    w.str("geo", "g" + std::to_string(e.geo));
    w.str("channel", e.device % 2 ? "app" : "web");
  }
}

size_t key_count(const sim_event& e) {
  size_t n = 4 + (e.item != no_item);
  n += e.type == event_type::search || e.type == event_type::rating;
  n += 2 * (e.type == event_type::purchase || e.type == event_type::refund);
  n += 3 * e.with_context;
  return n;
}

struct msgpack_writer {
  msgpack::sbuffer& buf;
  msgpack::packer<msgpack::sbuffer>& pk;
  void key(const char* k) {
    auto n = static_cast<uint32_t>(std::strlen(k));
    pk.pack_str(n);
    pk.pack_str_body(k, n);
  }
  void str(const char* k, const std::string& v) {
    key(k);
    pk.pack_str(static_cast<uint32_t>(v.size()));
    pk.pack_str_body(v.data(), static_cast<uint32_t>(v.size()));
  }
  void integer(const char* k, int64_t v) {
    key(k);
    pk.pack_int64(v);
  }
  void real(const char* k, double v) {
    key(k);
    net::pack_float64(buf, v);
  }
};

struct json_writer {
  std::string out = "{";
  void key(const char* k) {
    if (out.size() > 1)
      out += ',';
    out += '"';
    out += k;
    out += "\":";
  }
  // Our ids and names are letters and digits only: nothing to escape.
  void str(const char* k, const std::string& v) {
    key(k);
    out += '"' + v + '"';
  }
  void integer(const char* k, int64_t v) {
    key(k);
    out += std::to_string(v);
  }
  void real(const char* k, double v) {
    key(k);
    char text[32];
    // The shortest of 15 or 17 digits that reads back as the same double.
    std::snprintf(text, sizeof text, "%.15g", v);
    if (std::strtod(text, nullptr) != v)
      std::snprintf(text, sizeof text, "%.17g", v);
    out += text;
  }
};

/// Fills an engine event, key by key.
struct event_writer {
  event& e;
  static bool is(const char* k, const char* name) { return std::strcmp(k, name) == 0; }
  void str(const char* k, const std::string& v) {
    if (is(k, "user")) {
      e.user = v;
      e.mark(event_key::user);
    } else if (is(k, "type")) {
      e.type = event_type_from_string(v).value_or(event_type::invalid);
      e.mark(event_key::type);
    } else if (is(k, "item")) {
      e.item = v;
      e.mark(event_key::item);
    } else if (is(k, "session")) {
      e.session = v;
      e.mark(event_key::session);
    } else if (is(k, "query")) {
      e.query = v;
      e.mark(event_key::query);
    } else if (is(k, "device")) {
      e.device = v;
      e.mark(event_key::device);
    } else if (is(k, "geo")) {
      e.geo = v;
      e.mark(event_key::geo);
    } else if (is(k, "channel")) {
      e.channel = v;
      e.mark(event_key::channel);
    }
  }
  void integer(const char* k, int64_t v) {
    if (is(k, "ts")) {
      e.ts = v;
      e.mark(event_key::ts);
    } else if (is(k, "quantity")) {
      e.quantity = v;
      e.mark(event_key::quantity);
    }
  }
  void real(const char* k, double v) {
    if (is(k, "value")) {
      e.value = v;
      e.mark(event_key::value);
    } else if (is(k, "price")) {
      e.price = v;
      e.mark(event_key::price);
    }
  }
};

}  // namespace

std::string encode_ingest_params(const std::vector<sim_event>& all, const uint32_t* index, size_t count,
                                 const shop_catalog& catalog) {
  msgpack::sbuffer buf(count * 128 + 16);
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(1);
  pk.pack_array(static_cast<uint32_t>(count));
  msgpack_writer w{buf, pk};
  for (size_t i = 0; i < count; ++i) {
    auto& e = all[index[i]];
    pk.pack_map(static_cast<uint32_t>(key_count(e)));
    for_each_key(e, catalog, w);
  }
  return std::string(buf.data(), buf.size());
}

std::string event_json(const sim_event& e, const shop_catalog& catalog) {
  json_writer w;
  for_each_key(e, catalog, w);
  return w.out + "}";
}

event engine_event(const sim_event& e, const shop_catalog& catalog) {
  event out;
  event_writer w{out};
  for_each_key(e, catalog, w);
  return out;
}

}  // namespace persona::loadgen
