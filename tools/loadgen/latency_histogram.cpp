#include "tools/loadgen/latency_histogram.hpp"

#include <algorithm>
#include <boost/histogram.hpp>
#include <cmath>

namespace persona::loadgen {

namespace {

namespace bh = boost::histogram;
using log_axis = bh::axis::regular<double, bh::axis::transform::log>;
constexpr unsigned bucket_count = 1600;
constexpr double lowest_us = 1.0;
constexpr double highest_us = 1e8;

}  // namespace

struct latency_histogram::buckets {
  decltype(bh::make_histogram(log_axis(bucket_count, lowest_us, highest_us))) h =
      bh::make_histogram(log_axis(bucket_count, lowest_us, highest_us));
};

latency_histogram::latency_histogram() : buckets_(std::make_unique<buckets>()) {}
latency_histogram::~latency_histogram() = default;
latency_histogram::latency_histogram(const latency_histogram& o)
    : buckets_(std::make_unique<buckets>(*o.buckets_)), count_(o.count_), max_(o.max_) {}
latency_histogram& latency_histogram::operator=(const latency_histogram& o) {
  *buckets_ = *o.buckets_;
  count_ = o.count_;
  max_ = o.max_;
  return *this;
}

void latency_histogram::record(double us) {
  buckets_->h(std::clamp(us, lowest_us, highest_us * 0.999999));
  ++count_;
  max_ = std::max(max_, us);
}

void latency_histogram::merge(const latency_histogram& o) {
  buckets_->h += o.buckets_->h;
  count_ += o.count_;
  max_ = std::max(max_, o.max_);
}

void latency_histogram::reset() {
  buckets_->h.reset();
  count_ = 0;
  max_ = 0;
}

double latency_histogram::percentile(double q) const {
  if (count_ == 0)
    return 0;
  auto rank = static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (auto&& b : bh::indexed(buckets_->h)) {
    seen += static_cast<uint64_t>(*b);
    if (seen >= rank)
      return std::min(max_, b.bin().upper());
  }
  return max_;
}

}  // namespace persona::loadgen
