#include "net/method_table.hpp"

#include "net/dispatcher.hpp"
#include "net/node_config.hpp"

namespace persona::net {

namespace {

// Shorthands for the rows' params.
constexpr params_spec no_params{};

constexpr param_spec user_id(const char* label) {
  return {param_kind::user_id, label};
}
constexpr param_spec id(const char* label) {
  return {param_kind::id, label};
}
constexpr param_spec any(const char* label) {
  return {param_kind::any, label};
}
constexpr param_spec options{param_kind::options, "options"};
constexpr param_spec k{param_kind::count, "k"};
constexpr param_spec events{param_kind::events, "events"};
constexpr param_spec segment_names{param_kind::names, "segments"};

}  // namespace

const std::vector<method_row>& method_rows() {
  // {name, role, ordering, also a notification,
  //  params {min, max, shape, {each position}}, handler, audit (none if absent)}
  // clang-format off
  static const std::vector<method_row> rows = {
      {"hello", 0, ordering::none, false,
       {0, 1, "[options]", {options}}, &dispatcher::hello, audit_kind::failures},
      {"ping", 0, ordering::none, false,
       no_params, &dispatcher::ping},
      {"stats", role_query, ordering::none, false,
       no_params, &dispatcher::stats},
      {"snapshot", role_admin, ordering::none, false,
       no_params, &dispatcher::snapshot},
      {"ingest", role_ingest, ordering::batch, true,
       {1, 2, "[events, options]", {events}}, &dispatcher::ingest},
      {"upsert_items", role_ingest, ordering::write, false,
       {1, 2, "[items, options]", {any("items")}}, &dispatcher::upsert_items},
      {"set_attributes", role_ingest, ordering::write, false,
       {2, 3, "[user, attributes]", {user_id("user"), any("attributes")}}, &dispatcher::set_attributes},
      {"get_profile", role_query, ordering::none, false,
       {1, 2, "[user, options]", {user_id("user"), options}}, &dispatcher::get_profile, audit_kind::user},
      {"delete_profile", role_admin, ordering::write, false,
       {1, 2, "[user, options]", {user_id("user"), options}}, &dispatcher::delete_profile, audit_kind::user},
      {"set_consent", role_ingest, ordering::write, false,
       {2, 2, "[user, consent]", {user_id("user"), any("consent")}}, &dispatcher::set_consent, audit_kind::user},
      {"export_profile", role_query, ordering::none, false,
       {1, 1, "[user]", {user_id("user")}}, &dispatcher::export_profile, audit_kind::user},
      {"merge_profiles", role_admin, ordering::write, false,
       {2, 3, "[source, target]", {user_id("source"), user_id("target")}}, &dispatcher::merge_profiles, audit_kind::user},
      {"query", role_query, ordering::none, false,
       {1, 2, "[where, options]", {any("where"), options}}, &dispatcher::query, audit_kind::count},
      {"define_segment", role_admin, ordering::none, false,
       {2, 2, "[name, where]", {user_id("name"), any("where")}}, &dispatcher::define_segment},
      {"drop_segment", role_admin, ordering::none, false,
       {1, 1, "[name]", {user_id("name")}}, &dispatcher::drop_segment},
      {"list_segments", role_query, ordering::none, false,
       no_params, &dispatcher::list_segments},
      {"segment_members", role_query, ordering::none, false,
       {1, 2, "[name, options]", {user_id("name"), options}}, &dispatcher::segment_members, audit_kind::count},
      {"subscribe", role_query, ordering::none, false,
       {1, 1, "[[segment names]]", {segment_names}}, &dispatcher::subscribe},
      {"train_clusters", role_admin, ordering::none, false,
       {0, 1, "[options]", {options}}, &dispatcher::train_clusters},
      {"get_clusters", role_query, ordering::none, false,
       no_params, &dispatcher::get_clusters},
      {"recommend", role_query, ordering::none, false,
       {1, 3, "[user, k, options]", {id("user"), k, options}}, &dispatcher::recommend},
      {"similar_items", role_query, ordering::none, false,
       {1, 2, "[item, k]", {id("item"), k}}, &dispatcher::similar_items},
      {"similar_users", role_query, ordering::none, false,
       {1, 2, "[user, k]", {id("user"), k}}, &dispatcher::similar_users},
      {"predict", role_query, ordering::none, false,
       {1, 2, "[user, options]", {user_id("user"), options}}, &dispatcher::predict},
  };
  // clang-format on
  return rows;
}

audit_kind audited(const method_row& row) {
  if (row.audit == audit_kind::none && (row.role & role_admin))
    return audit_kind::call;
  return row.audit;
}

const method_row* find_method(std::string_view name) {
  for (auto& row : method_rows())
    if (name == row.name)
      return &row;
  return nullptr;
}

std::string unknown_method_message(const std::string& name) {
  static const std::string names = [] {
    std::string list;
    for (auto& row : method_rows())
      list.append(list.empty() ? "" : ", ").append(row.name);
    return list;
  }();
  return "no method '" + name + "'; methods: " + names;
}

}  // namespace persona::net
