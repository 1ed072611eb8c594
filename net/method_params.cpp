#include "net/method_params.hpp"

#include "net/event_decoder.hpp"
#include "net/msgpack_value.hpp"

namespace persona::net {

namespace {

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

/// True for the kinds that must be present.
bool required(param_kind kind) {
  return kind == param_kind::user_id || kind == param_kind::id || kind == param_kind::any ||
         kind == param_kind::events || kind == param_kind::names;
}

/// Reads the param `o` of kind `spec.kind` at position `i`; `present` is
/// false when the request has no param there or it is nil.
status read_one(std::string_view method, const param_spec& spec, uint32_t i, const msgpack::object& o,
                bool present, method_args& out) {
  switch (spec.kind) {
    case param_kind::none:
      return {};
    case param_kind::user_id:
    case param_kind::id: {
      auto read = read_id(o, out.ids[i]);
      if (read == text_read::not_utf8)
        return bad(not_utf8_message(spec.label));
      if (read != text_read::ok)
        return bad(std::string(spec.label) +
                   (spec.kind == param_kind::user_id ? " must be a user id" : " must be an id") +
                   ": a string of 1 to 256 bytes or an unsigned integer");
      return {};
    }
    case param_kind::any: {
      auto v = to_value(o, spec.label);
      if (!v.ok())
        return v.error();
      out.values[i] = std::move(*v);
      return {};
    }
    case param_kind::options: {
      if (!present)
        return {};
      auto v = to_value(o, spec.label);
      if (!v.ok())
        return v.error();
      if (!v->is_map())
        return bad(std::string(method) + ": options must be a map");
      out.values[i] = std::move(*v);
      return {};
    }
    case param_kind::count: {
      if (!present) {
        out.values[i] = value{uint64_t{10}};
        return {};
      }
      auto v = to_value(o, spec.label);
      if (!v.ok())
        return v.error();
      uint64_t k = 0;
      if (!v->get_uint(k))
        return bad(std::string(spec.label) +
                   " must be an unsigned integer: how many items or users to answer");
      out.values[i] = std::move(*v);
      return {};
    }
    case param_kind::events: {
      if (o.type != msgpack::type::ARRAY)
        return bad(std::string(method) + ": " + spec.label + " must be an array of event maps");
      if (o.via.array.size > out.max_events)
        return bad(std::string(method) + ": an ingest batch may hold at most " +
                   std::to_string(out.max_events) + " events, got " + std::to_string(o.via.array.size) +
                   "; split it into smaller batches");
      out.events.resize(o.via.array.size);
      for (uint32_t e = 0; e < o.via.array.size; ++e)
        decode_event(o.via.array.ptr[e], out.events[e]);  // a non-map stays empty: rejected as bad_user
      return {};
    }
    case param_kind::names: {
      auto v = to_value(o, spec.label);
      if (!v.ok())
        return v.error();
      if (!v->is_array() || v->as_array().empty())
        return bad(std::string(spec.label) + " must be a non-empty array of segment names");
      for (auto& n : v->as_array()) {
        if (!n.is_string())
          return bad(std::string(spec.label) + " must be an array of segment names (strings)");
        out.names.push_back(n.as_string());
      }
      return {};
    }
  }
  return {};
}

}  // namespace

status read_params(std::string_view method, const params_spec& spec, const msgpack::object& params,
                   method_args& out) {
  uint32_t size = params.via.array.size;
  if (spec.max == 0 && size != 0)
    return bad(std::string(method) + " takes no params");
  if (size < spec.min || size > spec.max)
    return bad(std::string(method) + " takes params " + spec.shape + ", got " + std::to_string(size) +
               " element(s)");
  static const msgpack::object absent;  // nil
  for (uint32_t i = 0; i < max_params && spec.at[i].kind != param_kind::none; ++i) {
    const msgpack::object& o = i < size ? params.via.array.ptr[i] : absent;
    if (auto st = read_one(method, spec.at[i], i, o, o.type != msgpack::type::NIL, out); !st.ok())
      return st;
  }
  return {};
}

bool well_formed(const params_spec& spec) {
  if (spec.min > spec.max || spec.max > max_params)
    return false;
  if (spec.max > 0 && (spec.shape == nullptr || spec.shape[0] != '['))
    return false;
  bool ended = false;
  for (uint32_t i = 0; i < max_params; ++i) {
    auto kind = spec.at[i].kind;
    if (kind == param_kind::none) {
      ended = true;
      continue;
    }
    if (ended || i >= spec.max || spec.at[i].label == nullptr || spec.at[i].label[0] == '\0')
      return false;
    if (required(kind) && i >= spec.min)
      return false;
  }
  return true;
}

}  // namespace persona::net
