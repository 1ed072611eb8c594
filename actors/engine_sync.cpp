// The engine's blocking calls (engine.hpp): each starts the asynchronous
// call and waits for its callback on the calling thread. For tools, tests
// and benchmarks; never inside an actor or an I/O handler.
#include <future>
#include <memory>

#include "actors/engine.hpp"

namespace persona {

namespace {

/// Runs `start` with a callback and waits for the result it gets.
template <class Start>
result<value> wait_for(Start start) {
  auto p = std::make_shared<std::promise<result<value>>>();
  auto f = p->get_future();
  start([p](result<value> r) { p->set_value(std::move(r)); });
  return f.get();
}

}  // namespace

result<value> engine::ingest_sync(std::vector<event> events) {
  return wait_for([&](callback cb) { ingest(std::move(events), std::move(cb)); });
}
result<value> engine::upsert_items_sync(const value& items) {
  return wait_for([&](callback cb) { upsert_items(items, std::move(cb)); });
}
result<value> engine::set_attributes_sync(const std::string& user, const value& attributes) {
  return wait_for([&](callback cb) { set_attributes(user, attributes, std::move(cb)); });
}
result<value> engine::get_profile_sync(const std::string& user, const value& options) {
  return wait_for([&](callback cb) { get_profile(user, options, std::move(cb)); });
}
result<value> engine::set_consent_sync(const std::string& user, const value& flags) {
  return wait_for([&](callback cb) { set_consent(user, flags, std::move(cb)); });
}

result<value> engine::export_profile_sync(const std::string& user) {
  return wait_for([&](callback cb) { export_profile(user, std::move(cb)); });
}

result<value> engine::delete_profile_sync(const std::string& user, const value& options) {
  return wait_for([&](callback cb) { delete_profile(user, options, std::move(cb)); });
}
result<value> engine::merge_profiles_sync(const std::string& source, const std::string& target) {
  return wait_for([&](callback cb) { merge_profiles(source, target, std::move(cb)); });
}
result<value> engine::query_sync(const value& where, const value& options) {
  return wait_for([&](callback cb) { query(where, options, std::move(cb)); });
}
result<value> engine::stats_sync() {
  return wait_for([&](callback cb) { stats(std::move(cb)); });
}
result<value> engine::snapshot_sync() {
  return wait_for([&](callback cb) { snapshot(std::move(cb)); });
}
result<value> engine::define_segment_sync(const std::string& name, const value& where) {
  return wait_for([&](callback cb) { define_segment(name, where, std::move(cb)); });
}
result<value> engine::drop_segment_sync(const std::string& name) {
  return wait_for([&](callback cb) { drop_segment(name, std::move(cb)); });
}
result<value> engine::list_segments_sync() {
  return wait_for([&](callback cb) { list_segments(std::move(cb)); });
}
result<value> engine::train_clusters_sync(const value& options) {
  return wait_for([&](callback cb) { train_clusters(options, std::move(cb)); });
}
result<value> engine::get_clusters_sync() {
  return wait_for([&](callback cb) { get_clusters(std::move(cb)); });
}
result<value> engine::recommend_sync(const std::string& user, size_t k, const value& options) {
  return wait_for(
      [&](callback cb) { recommend(user, value{static_cast<uint64_t>(k)}, options, std::move(cb)); });
}
result<value> engine::similar_items_sync(const std::string& item, size_t k) {
  return wait_for([&](callback cb) { similar_items(item, value{static_cast<uint64_t>(k)}, std::move(cb)); });
}
result<value> engine::similar_users_sync(const std::string& user, size_t k) {
  return wait_for([&](callback cb) { similar_users(user, value{static_cast<uint64_t>(k)}, std::move(cb)); });
}
result<value> engine::predict_sync(const std::string& user, const value& options) {
  return wait_for([&](callback cb) { predict(user, options, std::move(cb)); });
}
result<value> engine::refresh_item_model_sync() {
  return wait_for([&](callback cb) { refresh_item_model(std::move(cb)); });
}
result<value> engine::segment_members_sync(const std::string& name, const value& options) {
  return wait_for([&](callback cb) { segment_members(name, options, std::move(cb)); });
}

}  // namespace persona
