#include "actors/kmeans_steps.hpp"

namespace persona {

value numbers_value(const std::vector<double>& xs) {
  value::array out;
  out.reserve(xs.size());
  for (auto x : xs)
    out.emplace_back(x);
  return value{std::move(out)};
}

std::vector<double> numbers_of(const value& v) {
  std::vector<double> out;
  if (!v.is_array())
    return out;
  for (auto& x : v.as_array())
    out.push_back(x.as_double());
  return out;
}

value strings_value(const std::vector<std::string>& xs) {
  value::array out;
  for (auto& x : xs)
    out.emplace_back(x);
  return value{std::move(out)};
}

std::vector<std::string> strings_of(const value& v) {
  std::vector<std::string> out;
  if (!v.is_array())
    return out;
  for (auto& x : v.as_array())
    if (x.is_string())
      out.push_back(x.as_string());
  return out;
}

value moments_value(const feature_moments& m) {
  value out{value::map{}};
  out.set("n", value{m.n});
  out.set("sum", numbers_value(m.sum));
  out.set("sumsq", numbers_value(m.sumsq));
  return out;
}

feature_moments moments_of(const value& v) {
  feature_moments m;
  m.n = static_cast<uint64_t>(v.find("n")->as_int());
  m.sum = numbers_of(*v.find("sum"));
  m.sumsq = numbers_of(*v.find("sumsq"));
  return m;
}

value candidate_value(const seed_candidate& c) {
  value out{value::map{}};
  out.set("weight", value{c.weight});
  out.set("point", numbers_value(c.point));
  return out;
}

seed_candidate candidate_of(const value& v) {
  seed_candidate c;
  c.weight = v.find("weight")->as_double();
  c.point = numbers_of(*v.find("point"));
  return c;
}

value partial_value(const kmeans_partial& p) {
  value out{value::map{}};
  out.set("sums", numbers_value(p.sums));
  value::array counts;
  for (auto n : p.counts)
    counts.emplace_back(n);
  out.set("counts", value{std::move(counts)});
  out.set("inertia", value{p.inertia});
  return out;
}

kmeans_partial partial_of(const value& v) {
  kmeans_partial p;
  p.sums = numbers_of(*v.find("sums"));
  for (auto& n : v.find("counts")->as_array())
    p.counts.push_back(static_cast<uint64_t>(n.as_int()));
  p.inertia = v.find("inertia")->as_double();
  return p;
}

}  // namespace persona
