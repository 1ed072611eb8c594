// event_decoder: turns one msgpack event map straight into a core event,
// without an intermediate value tree (ingest's hot path). It records which
// keys it saw and which had the wrong wire type; core's validate_event then
// applies the protocol's rules. Keys and text may come as str or as bin
// holding UTF-8; a bin that is not UTF-8 counts as the wrong type. Any
// thread.
#pragma once

#include <msgpack.hpp>

#include "core/profile/event.hpp"

namespace persona::net {

/// Decodes `o` into `out`. Returns false when `o` is not a map (the caller
/// rejects that event); keys of the wrong type are marked for validation.
bool decode_event(const msgpack::object& o, event& out);

}  // namespace persona::net
