// query: the `query` method's request as every shard evaluates it, the
// partial answer a shard returns, and the merge of partials into the
// protocol's result (docs/protocol.md, "Segments"; docs/queries.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/profile/segment_directory.hpp"
#include "core/query/aggregate.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

constexpr uint32_t default_query_limit = 100;
constexpr uint32_t max_query_limit = 10000;

/// A validated query, sent unchanged to every shard.
struct query_request {
  /// The condition as the client sent it; each shard compiles its own copy.
  value where;
  int64_t now_ms = 0;
  uint32_t limit = default_query_limit;
  /// Top-level profile keys to return per user; empty: ids only.
  std::vector<std::string> fields;
  std::vector<aggregate_spec> aggregates;
};

/// Validates `where` and `options` (limit, fields, aggregate, now).
/// `default_now_ms` is used when options carry no `now`.
result<query_request> parse_query(const value& where, const value& options, int64_t default_now_ms,
                                  const segment_directory* segments = nullptr);

/// Parses the `now` option shared by time-dependent methods: absent or nil
/// gives `fallback`.
result<int64_t> parse_now_option(const value& options, int64_t fallback);

/// Parses a `fields` option: top-level profile keys.
result<std::vector<std::string>> parse_fields_option(const value& options);

/// One shard's answer.
struct query_partial {
  uint64_t count = 0;
  /// Ids (strings) or partial profiles (maps), at most the request's limit.
  std::vector<value> users;
  std::vector<aggregate_partial> aggregates;

  /// Adds another shard's answer; users beyond `limit` are dropped.
  void merge(query_partial&& other, uint32_t limit);
};

/// The protocol's {"count", "users", "aggregates"} map.
value finish_query(const query_request& request, const query_partial& merged);

}  // namespace persona
