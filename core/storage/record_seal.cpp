#include "core/storage/record_seal.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

namespace persona {

namespace {

constexpr size_t nonce_bytes = 12;
constexpr size_t tag_bytes = 16;

/// One cipher context per thread, reused for every record.
EVP_CIPHER_CTX* thread_context() {
  struct holder {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ~holder() { EVP_CIPHER_CTX_free(ctx); }
  };
  thread_local holder h;
  return h.ctx;
}

/// The associated data: sequence number and kind, little-endian.
std::array<unsigned char, 9> associated(uint64_t seq, uint8_t kind) {
  std::array<unsigned char, 9> ad{};
  for (int i = 0; i < 8; ++i)
    ad[i] = static_cast<unsigned char>(seq >> (8 * i));
  ad[8] = kind;
  return ad;
}

}  // namespace

result<std::shared_ptr<const record_seal>> record_seal::make(std::string_view key) {
  if (key.size() != key_bytes)
    return status{error_code::bad_request, "an encryption key must be 32 bytes, got " +
                                               std::to_string(key.size()) + " (openssl rand -hex 32)"};
  std::shared_ptr<record_seal> s(new record_seal());
  std::memcpy(s->key_.data(), key.data(), key_bytes);
  unsigned char start[12];
  if (RAND_bytes(start, sizeof start) != 1)
    return status{error_code::internal, "no random bytes for the encryption nonces"};
  std::memcpy(&s->prefix_, start, 4);
  uint64_t counter = 0;
  std::memcpy(&counter, start + 4, 8);
  s->counter_.store(counter);
  return std::shared_ptr<const record_seal>(std::move(s));
}

record_seal::~record_seal() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

void record_seal::seal(uint64_t seq, uint8_t kind, std::string_view payload, std::string& out) const {
  unsigned char nonce[nonce_bytes];
  uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
  std::memcpy(nonce, &prefix_, 4);
  std::memcpy(nonce + 4, &n, 8);
  size_t start = out.size();
  out.resize(start + nonce_bytes + payload.size() + tag_bytes);
  auto* dst = reinterpret_cast<unsigned char*>(&out[start]);
  std::memcpy(dst, nonce, nonce_bytes);
  auto ad = associated(seq, kind);
  EVP_CIPHER_CTX* ctx = thread_context();
  int len = 0;
  // With a valid key and context these calls cannot fail; the tag check
  // on open catches any record that was not sealed whole.
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key_.data(), nonce);
  EVP_EncryptUpdate(ctx, nullptr, &len, ad.data(), static_cast<int>(ad.size()));
  EVP_EncryptUpdate(ctx, dst + nonce_bytes, &len, reinterpret_cast<const unsigned char*>(payload.data()),
                    static_cast<int>(payload.size()));
  EVP_EncryptFinal_ex(ctx, dst + nonce_bytes + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, tag_bytes, dst + nonce_bytes + payload.size());
}

bool record_seal::open(uint64_t seq, uint8_t kind, std::string_view sealed, std::string& out) const {
  if (sealed.size() < overhead)
    return false;
  size_t n = sealed.size() - overhead;
  auto* src = reinterpret_cast<const unsigned char*>(sealed.data());
  out.resize(n);
  auto ad = associated(seq, kind);
  EVP_CIPHER_CTX* ctx = thread_context();
  int len = 0;
  unsigned char tag[tag_bytes];
  std::memcpy(tag, src + nonce_bytes + n, tag_bytes);
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key_.data(), src) == 1 &&
            EVP_DecryptUpdate(ctx, nullptr, &len, ad.data(), static_cast<int>(ad.size())) == 1 &&
            EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, src + nonce_bytes,
                              static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, tag_bytes, tag) == 1 &&
            EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok)
    out.clear();
  return ok;
}

}  // namespace persona
