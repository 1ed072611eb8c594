// thread_slice: asks the kernel for a time slice of a given length for the
// calling thread (Linux 6.12 and later, the EEVDF scheduler's custom
// slices). A thread with a shorter slice than the threads it shares a core
// with gets an earlier deadline: when it wakes (a request arrived, an
// answer is ready) it runs sooner, for a shorter turn. Latency-bound
// threads (network I/O, actor workers) ask for short slices; background
// threads keep the default. Elsewhere the request changes nothing.
#pragma once

#include <chrono>

#include "core/util/status.hpp"

namespace persona {

/// Requests `slice` (0: the kernel's default) for the calling thread. The
/// kernel clamps it to its range (0.1 to 100 ms). Fails only where the
/// kernel refuses the call; the thread then keeps its slice.
status request_time_slice(std::chrono::microseconds slice);

}  // namespace persona
