// actor_test_config: the actor system settings of the actor tests: Persona's
// message types registered, CAF's logger quiet.
#pragma once

#include <caf/all.hpp>

#include "actors/message_types.hpp"

namespace persona::test {

struct actor_test_config : caf::actor_system_config {
  actor_test_config() {
    register_message_types(*this);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

}  // namespace persona::test
