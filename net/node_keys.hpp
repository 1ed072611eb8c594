// node_keys: the secrets a node starts with, loaded once by personad before
// the engine: the key of its keyed hashes (pseudonyms of devices, geos,
// sessions and user ids; the audit log's user hashes) and the key sealing
// its files at rest. Keys come from owner-only files (core/os/
// secret_file.hpp), never from the command line, and are never logged.
// Pure functions of the configuration and the file system.
#pragma once

#include <string>

#include "core/util/siphash.hpp"
#include "core/util/status.hpp"
#include "net/node_config.hpp"

namespace persona::net {

/// Bytes of the hash key personad makes when none is given.
constexpr size_t generated_hash_key_bytes = 32;
/// Least bytes of a --hash-key-file.
constexpr size_t min_hash_key_bytes = 16;

/// Where the node keeps the hash key it made: <data-dir>/hash.key.
std::string default_hash_key_path(const std::string& data_dir);

/// The node's hash key: from --hash-key-file when given; else, with a data
/// directory, from <data-dir>/hash.key, made (32 random bytes, mode 0600,
/// directory 0700) at the first start and read at every later one, so
/// hashes on disk stay valid across restarts; else (memory only) a random
/// key for this process. `origin` says which, for the start log.
result<siphash_key> load_node_hash_key(const node_config& config, std::string& origin);
/// The same without saying where the key came from. Load the key once and
/// hand it to every user: memory-only nodes draw a new key at each call.
result<siphash_key> load_node_hash_key(const node_config& config);

/// The AES-256 key of --encrypt-key-file (32 raw bytes, or 64 hex digits),
/// or an empty string when the setting is empty.
result<std::string> load_node_encrypt_key(const node_config& config);

}  // namespace persona::net
