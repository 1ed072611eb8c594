// utf8: checks that bytes are well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF). The network layer uses it
// for text that arrives as a msgpack bin. Pure function; any thread.
#pragma once

#include <string_view>

namespace persona {

/// True when `bytes` is well-formed UTF-8 (the empty string is).
bool is_utf8(std::string_view bytes);

}  // namespace persona
