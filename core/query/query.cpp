#include "core/query/query.hpp"

#include "core/profile/event.hpp"
#include "core/query/condition.hpp"
#include "core/query/profile_view.hpp"

namespace persona {

result<int64_t> parse_now_option(const value& options, int64_t fallback) {
  auto* now = options.find("now");
  if (!now || now->is_nil())
    return fallback;
  if (!now->is_integer() || now->as_int() < 0 || now->as_int() > max_event_ts_ms)
    return status{error_code::bad_request,
                  "options.now must be an integer of milliseconds since the epoch, between 0 and " +
                      std::to_string(max_event_ts_ms)};
  return now->as_int();
}

result<std::vector<std::string>> parse_fields_option(const value& options) {
  std::vector<std::string> fields;
  auto* f = options.find("fields");
  if (!f || f->is_nil())
    return fields;
  if (!f->is_array())
    return status{error_code::bad_request, "options.fields must be an array of top-level profile keys"};
  for (auto& x : f->as_array()) {
    if (!x.is_string() || !is_profile_key(x.as_string()))
      return status{error_code::bad_request,
                    "options.fields: '" + (x.is_string() ? x.as_string() : x.to_json()) +
                        "' is not a profile key; use keys such as user, counts, rfm, tags"};
    fields.push_back(x.as_string());
  }
  return fields;
}

result<query_request> parse_query(const value& where, const value& options, int64_t default_now_ms,
                                  const segment_directory* segments) {
  if (!options.is_nil() && !options.is_map())
    return status{error_code::bad_request, "options must be a map"};
  auto compiled = condition::compile(where, nullptr, segments);
  if (!compiled.ok())
    return compiled.error();
  query_request q;
  q.where = where;
  auto now = parse_now_option(options, default_now_ms);
  if (!now.ok())
    return now.error();
  q.now_ms = *now;
  if (auto* limit = options.find("limit"); limit && !limit->is_nil()) {
    uint64_t n = 0;
    if (!limit->get_uint(n) || n > max_query_limit)
      return status{error_code::bad_request, "options.limit must be an integer from 0 to 10000"};
    q.limit = static_cast<uint32_t>(n);
  }
  auto fields = parse_fields_option(options);
  if (!fields.ok())
    return fields.error();
  q.fields = std::move(*fields);
  auto aggs = parse_aggregates(options.find("aggregate") ? *options.find("aggregate") : value{});
  if (!aggs.ok())
    return aggs.error();
  q.aggregates = std::move(*aggs);
  return q;
}

void query_partial::merge(query_partial&& other, uint32_t limit) {
  count += other.count;
  for (auto& u : other.users) {
    if (users.size() >= limit)
      break;
    users.push_back(std::move(u));
  }
  if (aggregates.size() < other.aggregates.size())
    aggregates.resize(other.aggregates.size());
  for (size_t i = 0; i < other.aggregates.size(); ++i)
    aggregates[i].merge(other.aggregates[i]);
}

value finish_query(const query_request& request, const query_partial& merged) {
  value out{value::map{}};
  out.set("count", value{merged.count});
  value::array users(merged.users.begin(), merged.users.end());
  out.set("users", value{std::move(users)});
  value::array aggs;
  for (size_t i = 0; i < request.aggregates.size(); ++i) {
    aggregate_partial empty;
    aggs.push_back(
        finish_aggregate(request.aggregates[i], i < merged.aggregates.size() ? merged.aggregates[i] : empty));
  }
  out.set("aggregates", value{std::move(aggs)});
  return out;
}

}  // namespace persona
