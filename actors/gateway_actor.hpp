// gateway_actor: the door from plain threads into the actor world. A caller
// hands it a task (a function run inside the gateway); the task sends
// requests with deadlines and delivers the answers to the caller's callback.
// Tasks are local-only messages: they carry std::function and never leave
// the process. Used by the engine facade only.
#pragma once

#include <caf/fwd.hpp>
#include <functional>

namespace caf {
class event_based_actor;
}

namespace persona {

/// Work to run inside a gateway actor.
struct gateway_task {
  std::function<void(caf::event_based_actor*)> run;
};

caf::actor spawn_gateway(caf::actor_system& sys);

/// Enqueues `task` to `gateway` from any thread.
void post_to_gateway(const caf::actor& gateway, gateway_task task);

}  // namespace persona
