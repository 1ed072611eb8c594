#include "net/event_decoder.hpp"

#include <cstring>
#include <string_view>

#include "net/msgpack_value.hpp"

namespace persona::net {

namespace {

/// A str, or a bin holding UTF-8; false for anything else.
bool get_string(const msgpack::object& v, std::string& out) {
  return read_text(v, out) == text_read::ok;
}

bool get_number(const msgpack::object& v, double& out) {
  switch (v.type) {
    case msgpack::type::POSITIVE_INTEGER:
      out = static_cast<double>(v.via.u64);
      return true;
    case msgpack::type::NEGATIVE_INTEGER:
      out = static_cast<double>(v.via.i64);
      return true;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      out = v.via.f64;
      return true;
    default:
      return false;
  }
}

bool get_int(const msgpack::object& v, int64_t& out) {
  if (v.type == msgpack::type::POSITIVE_INTEGER) {
    out = v.via.u64 > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v.via.u64);
    return true;
  }
  if (v.type == msgpack::type::NEGATIVE_INTEGER) {
    out = v.via.i64;
    return true;
  }
  return false;
}

void mark_wrong(event& e, event_key k) {
  e.mark(k);
  e.wrong_type |= key_bit(k);
}

}  // namespace

bool decode_event(const msgpack::object& o, event& e) {
  if (o.type != msgpack::type::MAP)
    return false;
  for (uint32_t i = 0; i < o.via.map.size; ++i) {
    auto& kv = o.via.map.ptr[i];
    auto name = text_view(kv.key);
    if (!name)
      continue;  // unknown keys are ignored
    std::string_view key = *name;
    const msgpack::object& v = kv.val;
    if (key == "user") {
      if (read_id(v, e.user) == text_read::ok)
        e.mark(event_key::user);
      else
        mark_wrong(e, event_key::user);
    } else if (key == "type") {
      e.mark(event_key::type);
      std::string name;
      if (!get_string(v, name)) {
        e.wrong_type |= key_bit(event_key::type);
      } else if (auto t = event_type_from_string(name)) {
        e.type = *t;
      } else {
        e.type = event_type::invalid;
      }
    } else if (key == "ts") {
      if (v.type == msgpack::type::NIL)
        continue;  // treated as absent: the node's clock
      if (get_int(v, e.ts))
        e.mark(event_key::ts);
      else
        mark_wrong(e, event_key::ts);
    } else if (key == "item") {
      if (read_id(v, e.item) == text_read::ok)
        e.mark(event_key::item);
      else
        mark_wrong(e, event_key::item);
    } else if (key == "category") {
      e.mark(event_key::category);
      if (v.type == msgpack::type::STR || v.type == msgpack::type::BIN) {
        if (auto name = text_view(v))
          e.categories.emplace_back(*name);
        else
          e.wrong_type |= key_bit(event_key::category);
      } else if (v.type == msgpack::type::ARRAY) {
        for (uint32_t c = 0; c < v.via.array.size; ++c) {
          auto name = text_view(v.via.array.ptr[c]);
          if (!name) {
            e.wrong_type |= key_bit(event_key::category);
            break;
          }
          e.categories.emplace_back(*name);
        }
      } else if (v.type != msgpack::type::NIL) {
        e.wrong_type |= key_bit(event_key::category);
      }
    } else if (key == "brand") {
      if (v.type == msgpack::type::NIL)
        continue;
      if (get_string(v, e.brand))
        e.mark(event_key::brand);
      else
        mark_wrong(e, event_key::brand);
    } else if (key == "price") {
      if (v.type == msgpack::type::NIL)
        continue;
      if (get_number(v, e.price))
        e.mark(event_key::price);
      else
        mark_wrong(e, event_key::price);
    } else if (key == "quantity") {
      if (v.type == msgpack::type::NIL)
        continue;
      if (get_int(v, e.quantity))
        e.mark(event_key::quantity);
      else
        mark_wrong(e, event_key::quantity);
    } else if (key == "value") {
      if (v.type == msgpack::type::NIL)
        continue;
      if (get_number(v, e.value))
        e.mark(event_key::value);
      else
        mark_wrong(e, event_key::value);
    } else {
      std::string* target = nullptr;
      event_key k{};
      if (key == "query") {
        target = &e.query;
        k = event_key::query;
      } else if (key == "session") {
        target = &e.session;
        k = event_key::session;
      } else if (key == "device") {
        target = &e.device;
        k = event_key::device;
      } else if (key == "geo") {
        target = &e.geo;
        k = event_key::geo;
      } else if (key == "channel") {
        target = &e.channel;
        k = event_key::channel;
      } else if (key == "id") {
        target = &e.id;
        k = event_key::id;
      }
      if (!target || v.type == msgpack::type::NIL)
        continue;  // unknown keys are ignored; nil is absent
      if (get_string(v, *target) || (k == event_key::id && read_id(v, *target) == text_read::ok))
        e.mark(k);
      else
        mark_wrong(e, k);
    }
  }
  return true;
}

}  // namespace persona::net
