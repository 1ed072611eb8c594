// The bound on item signals waiting for the item model.
#include <catch2/catch.hpp>

#include "core/model/model_backlog.hpp"

using namespace persona;

namespace {

model_batch batch_of(size_t signals, size_t examples = 0, bool replayed = false) {
  model_batch b;
  b.signals.resize(signals);
  b.examples.resize(examples);
  b.replayed = replayed;
  return b;
}

}  // namespace

TEST_CASE(
    "the backlog admits signals while under its bound and counts them until the item model takes them") {
  model_backlog backlog(100);
  auto first = batch_of(60);
  CHECK(backlog.admit(first));
  CHECK(first.signals.size() == 60);
  CHECK(backlog.waiting() == 60);
  // Still under the bound when it comes: admitted whole, past the bound.
  auto second = batch_of(60);
  CHECK(backlog.admit(second));
  CHECK(second.signals.size() == 60);
  CHECK(backlog.waiting() == 120);
  CHECK(backlog.dropped() == 0);
  backlog.done(60);
  backlog.done(60);
  CHECK(backlog.waiting() == 0);
}

TEST_CASE("a full backlog drops a batch's signals and keeps its propensity examples") {
  model_backlog backlog(10);
  auto filling = batch_of(10);
  REQUIRE(backlog.admit(filling));
  auto signals_only = batch_of(5);
  CHECK_FALSE(backlog.admit(signals_only));  // nothing left to send
  CHECK(signals_only.signals.empty());
  auto with_examples = batch_of(7, 2);
  CHECK(backlog.admit(with_examples));
  CHECK(with_examples.signals.empty());
  CHECK(with_examples.examples.size() == 2);
  CHECK(backlog.dropped() == 12);
  CHECK(backlog.waiting() == 10);
  // Once the item model has taken the waiting ones, signals go again.
  backlog.done(10);
  auto later = batch_of(3);
  CHECK(backlog.admit(later));
  CHECK(later.signals.size() == 3);
  CHECK(backlog.dropped() == 12);
}

TEST_CASE("replayed histories are never dropped, and a bound of 0 drops nothing") {
  model_backlog full(1);
  auto filling = batch_of(5);
  REQUIRE(full.admit(filling));
  auto replayed = batch_of(50, 0, true);
  CHECK(full.admit(replayed));
  CHECK(replayed.signals.size() == 50);
  CHECK(full.waiting() == 55);
  CHECK(full.dropped() == 0);
  model_backlog unbounded(0);
  for (int i = 0; i < 10; ++i) {
    auto b = batch_of(1000);
    CHECK(unbounded.admit(b));
  }
  CHECK(unbounded.waiting() == 10000);
  CHECK(unbounded.dropped() == 0);
}

TEST_CASE("dropped signals are warned of at once, then at most once an interval, saying what to do") {
  model_backlog backlog(1);
  constexpr int64_t second = 1000000000;
  CHECK(backlog.drop_warning(0, 60 * second).empty());  // nothing dropped
  auto filling = batch_of(1);
  REQUIRE(backlog.admit(filling));
  auto dropped = batch_of(40);
  backlog.admit(dropped);
  auto first = backlog.drop_warning(5 * second, 60 * second);
  CHECK(first.find("40 item signals dropped,") != std::string::npos);
  CHECK(first.find("--model-max-waiting-signals") != std::string::npos);
  auto more = batch_of(2);
  backlog.admit(more);
  CHECK(backlog.drop_warning(30 * second, 60 * second).empty());  // within the interval
  auto next = backlog.drop_warning(65 * second, 60 * second);
  CHECK(next.find("2 item signals dropped in the last 60 s") != std::string::npos);
  CHECK(backlog.drop_warning(200 * second, 60 * second).empty());  // none since
}
