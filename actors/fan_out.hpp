// fan_out: asks several actors the same question and calls back once with
// every answer, or with the first failure, never blocking. CAF 0.17 has no
// fan_out_request; this is the shared-counter-plus-callback pattern. Used by
// the coordinator only, from inside its own handlers.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/error_conversion.hpp"

namespace persona {

/// Asks `count` questions at once and calls `done(answers, error)` once:
/// `send(i)` issues request i (returning what self->request returns) and
/// `answers[i]` is its reply; on any failure, `error` says which target
/// (`name_of(i)`) failed and how, and the answers are incomplete.
template <class T, class Send>
void fan_out(size_t count, std::chrono::milliseconds timeout, std::function<std::string(size_t)> name_of,
             Send send, std::function<void(std::vector<T>&, std::optional<status>)> done) {
  struct pending {
    std::vector<T> answers;
    size_t outstanding;
    std::optional<status> error;
    std::function<void(std::vector<T>&, std::optional<status>)> done;
  };
  auto st = std::make_shared<pending>();
  st->answers.resize(count);
  st->outstanding = count;
  st->done = std::move(done);
  if (count == 0) {
    st->done(st->answers, std::nullopt);
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    send(i).then(
        [st, i](T& answer) {
          st->answers[i] = std::move(answer);
          if (--st->outstanding == 0)
            st->done(st->answers, st->error);
        },
        [st, i, name_of, timeout](caf::error& err) {
          if (!st->error)
            st->error = from_caf_error(err, name_of(i), timeout.count());
          if (--st->outstanding == 0)
            st->done(st->answers, st->error);
        });
  }
}

/// Sends the same `args...` to every actor of `targets` (see above).
template <class T, class Self, class... Ts>
void fan_out(Self* self, const std::vector<caf::actor>& targets, std::chrono::milliseconds timeout,
             std::function<std::string(size_t)> name_of,
             std::function<void(std::vector<T>&, std::optional<status>)> done, const Ts&... args) {
  fan_out<T>(
      targets.size(), timeout, std::move(name_of),
      [&](size_t i) { return self->request(targets[i], timeout, args...); }, std::move(done));
}

}  // namespace persona
