// jemalloc_control: jemalloc's control function (mallctl), found at run
// time, so that code in persona_core works in programs linked with
// jemalloc and runs without it in the others (tests, tools). Used by the
// memory reserve and the allocator's figures.
#pragma once

#include <dlfcn.h>

#include <cstddef>

namespace persona {

using mallctl_function = int (*)(const char*, void*, size_t*, void*, size_t);

/// The program's mallctl, or null when its allocator is not jemalloc.
inline mallctl_function find_mallctl() {
  return reinterpret_cast<mallctl_function>(dlsym(RTLD_DEFAULT, "mallctl"));
}

}  // namespace persona
