#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "tools/loadgen/latency_histogram.hpp"

using persona::loadgen::latency_histogram;

TEST_CASE("percentiles are within the histogram's resolution of the exact ones") {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> latency(6.0, 1.0);  // median about 400 us
  std::vector<double> samples;
  latency_histogram h;
  for (int i = 0; i < 100000; ++i) {
    double us = latency(rng);
    samples.push_back(us);
    h.record(us);
  }
  std::sort(samples.begin(), samples.end());
  CHECK(h.count() == samples.size());
  CHECK(h.max() == samples.back());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    double exact = samples[static_cast<size_t>(q * samples.size()) - 1];
    CHECK(h.percentile(q) >= exact * 0.99);
    CHECK(h.percentile(q) <= exact * 1.03);
  }
}

TEST_CASE("histograms merge, reset, and say 0 when empty") {
  latency_histogram a, b;
  CHECK(a.percentile(0.99) == 0);
  for (int i = 0; i < 99; ++i)
    a.record(100);
  b.record(50000);
  a.merge(b);
  CHECK(a.count() == 100);
  CHECK(a.percentile(0.5) == Approx(100).epsilon(0.02));
  CHECK(a.percentile(1.0) == 50000);
  CHECK(a.max() == 50000);
  a.reset();
  CHECK(a.count() == 0);
  CHECK(a.percentile(0.5) == 0);
}

TEST_CASE("latencies outside the range are counted in the end buckets and max stays exact") {
  latency_histogram h;
  h.record(0.2);
  h.record(5e8);
  CHECK(h.count() == 2);
  CHECK(h.max() == 5e8);
  CHECK(h.percentile(0.5) <= 1.02);
}
