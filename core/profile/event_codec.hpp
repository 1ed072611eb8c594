// event_codec: a compact binary encoding of validated events, for the
// write-ahead log. Only the keys an event has are written; the layout is in
// docs/formats.md ("event"). Pure functions.
#pragma once

#include "core/profile/event.hpp"
#include "core/util/byte_codec.hpp"

namespace persona {

/// Appends `e` to `w`.
void encode_event(byte_writer& w, const event& e);

/// Reads one event written by encode_event; false on malformed input.
bool decode_event(byte_reader& r, event& e);

}  // namespace persona
