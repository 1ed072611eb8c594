#include "core/util/utf8.hpp"

#include <cstddef>
#include <cstdint>

namespace persona {

bool is_utf8(std::string_view bytes) {
  auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The length of the sequence and the range its second byte must be in
    // (RFC 3629, section 4): the narrow ranges rule out overlong forms,
    // surrogates and code points past U+10FFFF.
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0)
        lo = 0xa0;
      else if (c == 0xed)
        hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f;
    } else {
      return false;
    }
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
      return false;
    for (size_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
    i += len;
  }
  return true;
}

}  // namespace persona
