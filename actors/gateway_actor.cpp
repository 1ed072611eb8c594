#include "actors/gateway_actor.hpp"

#include <caf/all.hpp>

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::gateway_task)

namespace persona {

namespace {

caf::behavior gateway_behavior(caf::event_based_actor* self) {
  return {[=](gateway_task& task) { task.run(self); }};
}

}  // namespace

caf::actor spawn_gateway(caf::actor_system& sys) {
  return sys.spawn(gateway_behavior);
}

void post_to_gateway(const caf::actor& gateway, gateway_task task) {
  caf::anon_send(gateway, std::move(task));
}

}  // namespace persona
