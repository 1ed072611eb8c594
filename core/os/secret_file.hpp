// secret_file: reads a secret (a token list, a hash key, an encryption key)
// from a file that only its owner may read. A file that others can read,
// that is missing, empty or shorter than asked is refused with a message
// saying how to fix it, so a secret never has to appear on a command line.
// Pure function of the file system.
#pragma once

#include <cstddef>
#include <string>

#include "core/util/status.hpp"

namespace persona {

/// The file's bytes, without one trailing newline. Refused (bad_request)
/// unless `path` is a regular file whose mode grants nothing to group or
/// others (0600 or 0400) and that holds at least `min_bytes` bytes.
result<std::string> read_secret_file(const std::string& path, size_t min_bytes);

}  // namespace persona
