#include "core/store/cluster_assignments.hpp"

#include <cmath>

#include "core/store/profile_store.hpp"

namespace persona {

namespace {

/// Resolves cluster feature paths: numeric scalar fields only.
result<std::vector<field_ref>> feature_refs(const std::vector<std::string>& features, symbol_table& symbols) {
  std::vector<field_ref> refs;
  for (size_t i = 0; i < features.size(); ++i) {
    auto ref = parse_field_path(features[i]);
    if (!ref.ok())
      return status{error_code::bad_request, "features[" + std::to_string(i) + "]: " + ref.error().message()};
    if (ref->is_list() || ref->kind == field_kind::user || ref->kind == field_kind::cluster)
      return status{error_code::bad_request, "features[" + std::to_string(i) + "]: '" + features[i] +
                                                 "' is not a numeric field; use paths such as rfm.monetary, "
                                                 "counts.purchase or attributes.age"};
    if (!ref->name.empty())
      ref->bound = symbols.intern(ref->name);
    refs.push_back(std::move(*ref));
  }
  return refs;
}

/// Reads every feature as a number; false when one is missing or not a number.
bool read_features(const profile& p, std::string_view user, const std::vector<field_ref>& refs,
                   const read_context& ctx, double* out) {
  for (size_t j = 0; j < refs.size(); ++j) {
    auto f = read_field(p, user, refs[j], ctx);
    if (f.type == field_value::kind::boolean)
      out[j] = f.flag ? 1.0 : 0.0;
    else if (f.type == field_value::kind::number && std::isfinite(f.number))
      out[j] = f.number;
    else
      return false;
  }
  return true;
}

}  // namespace

result<feature_moments> cluster_assignments::moments(const profile_store& store,
                                                     const std::vector<std::string>& features,
                                                     int64_t now_ms) const {
  symbol_table probe = store.symbols_;  // binding must not add to the shard's table
  auto refs = feature_refs(features, probe);
  if (!refs.ok())
    return refs.error();
  for (auto& r : *refs)
    bind_field(r, store.symbols_);
  feature_moments m;
  m.sum.assign(refs->size(), 0.0);
  m.sumsq.assign(refs->size(), 0.0);
  std::vector<double> x(refs->size());
  auto ctx = store.context(now_ms);
  auto& slab = store.slab_;
  for (size_t i = 0; i < slab.size(); ++i)
    if (!slab[i].id.empty() && read_features(slab[i].data, slab[i].id, *refs, ctx, x.data()))
      m.add(x.data(), x.size());
  return m;
}

status cluster_assignments::prepare(profile_store& store, const std::vector<std::string>& features,
                                    const std::vector<double>& mean, const std::vector<double>& scale,
                                    int64_t now_ms) {
  auto refs = feature_refs(features, store.symbols_);
  if (!refs.ok())
    return refs.error();
  training_ = kmeans_points(refs->size());
  std::vector<double> x(refs->size());
  auto ctx = store.context(now_ms);
  auto& slab = store.slab_;
  for (size_t i = 0; i < slab.size(); ++i) {
    if (slab[i].id.empty() || !read_features(slab[i].data, slab[i].id, *refs, ctx, x.data()))
      continue;
    for (size_t j = 0; j < x.size(); ++j)
      x[j] = (x[j] - mean[j]) / scale[j];
    training_.add(x.data());
  }
  return {};
}

void cluster_assignments::install(profile_store& store, std::shared_ptr<const cluster_model> model,
                                  int64_t now_ms) {
  training_ = kmeans_points();
  model_ = std::move(model);
  model_fields_.clear();
  if (model_) {
    auto refs = feature_refs(model_->features, store.symbols_);
    if (refs.ok())
      model_fields_ = std::move(*refs);
    else
      model_.reset();
  }
  for (size_t i = 0; i < store.slab_.size(); ++i)
    if (!store.slab_[i].id.empty())
      assign(store, static_cast<uint32_t>(i), now_ms);
}

void cluster_assignments::assign(profile_store& store, uint32_t slot, int64_t now_ms) {
  auto& entry = store.slab_[slot];
  if (!model_) {
    entry.data.cluster = -1;
    return;
  }
  double x[64];
  size_t d = model_fields_.size();
  if (d > 64 || !read_features(entry.data, entry.id, model_fields_, store.context(now_ms), x)) {
    entry.data.cluster = -1;
    return;
  }
  for (size_t j = 0; j < d; ++j)
    x[j] = (x[j] - model_->mean[j]) / model_->scale[j];
  entry.data.cluster = static_cast<int16_t>(model_->nearest(x));
}

}  // namespace persona
