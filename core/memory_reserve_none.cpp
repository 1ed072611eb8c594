// memory_reserve.hpp for programs built without jemalloc: there is no
// allocator to give the reserve to.
#include "core/memory_reserve.hpp"

namespace persona {

bool start_memory_reserve(const memory_reserve_options&, std::string& why_not) {
  why_not = "this build has no jemalloc (scripts/setup.sh installs it; PERSONA_WITH_JEMALLOC)";
  return false;
}

memory_reserve_stats read_memory_reserve() {
  return {};
}

}  // namespace persona
