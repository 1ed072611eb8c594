#include "core/storage/record_file.hpp"

#include <cstring>

#include "core/storage/crc32c.hpp"

namespace persona {

namespace {

template <class T>
void put(std::string& out, T x) {
  out.append(reinterpret_cast<const char*>(&x), sizeof x);
}

template <class T>
T get(const char* p) {
  T x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

/// The checksum of a frame: its length, sequence, kind, then payload.
uint32_t frame_crc(const char* header, std::string_view payload) {
  uint32_t c = crc32c(0, header, 4);
  c = crc32c(c, header + 8, record_header_bytes - 8);
  return crc32c(c, payload.data(), payload.size());
}

}  // namespace

void append_record(std::string& out, uint64_t seq, uint8_t kind, std::string_view payload,
                   const record_seal* seal) {
  size_t start = out.size();
  uint32_t length = static_cast<uint32_t>(payload.size());
  if (seal)
    length = static_cast<uint32_t>(payload.size() + record_seal::overhead) | sealed_record_bit;
  put(out, length);
  put(out, uint32_t{0});
  put(out, seq);
  out.push_back(static_cast<char>(kind));
  if (seal)
    seal->seal(seq, kind, payload, out);
  else
    out.append(payload);
  std::string_view body(out.data() + start + record_header_bytes, out.size() - start - record_header_bytes);
  uint32_t crc = frame_crc(out.data() + start, body);
  std::memcpy(&out[start + 4], &crc, sizeof crc);
}

record_reader::record_reader(std::unique_ptr<readable_file> file, const record_seal* seal)
    : file_(std::move(file)), seal_(seal) {}

bool record_reader::fill(size_t n) {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  // The buffer grows by what the file holds, a read at a time, never by
  // a length a header declares: a corrupt length costs no memory.
  while (buf_.size() - pos_ < n && !eof_) {
    size_t want = size_t{1} << 20;
    size_t old = buf_.size();
    buf_.resize(old + want);
    auto got = file_->read(&buf_[old], want);
    if (!got.ok() || *got == 0) {
      buf_.resize(old);
      if (!got.ok())
        problem_ = "a read error (" + got.error().message() + ")";
      eof_ = true;
      break;
    }
    buf_.resize(old + *got);
  }
  return buf_.size() - pos_ >= n;
}

record_reader::outcome record_reader::next(file_record& r) {
  if (!problem_.empty())
    return outcome::bad;
  if (!fill(1))
    return problem_.empty() ? outcome::end : outcome::bad;
  if (!fill(record_header_bytes)) {
    problem_ = "an incomplete record header (" + std::to_string(buf_.size() - pos_) + " bytes)";
    return outcome::bad;
  }
  const char* h = buf_.data() + pos_;
  auto field = get<uint32_t>(h);
  bool sealed = (field & sealed_record_bit) != 0;
  uint32_t length = field & ~sealed_record_bit;
  if (length > max_record_payload + (sealed ? record_seal::overhead : 0)) {
    problem_ = "a record length of " + std::to_string(length) + " bytes, more than any record has";
    return outcome::bad;
  }
  if (!fill(record_header_bytes + length)) {
    problem_ = "an incomplete record (" + std::to_string(buf_.size() - pos_) + " of " +
               std::to_string(record_header_bytes + length) + " bytes)";
    return outcome::bad;
  }
  h = buf_.data() + pos_;
  std::string_view payload(h + record_header_bytes, length);
  if (frame_crc(h, payload) != get<uint32_t>(h + 4)) {
    problem_ = "a record whose checksum does not match";
    return outcome::bad;
  }
  r.seq = get<uint64_t>(h + 8);
  r.kind = static_cast<uint8_t>(h[16]);
  if (sealed) {
    if (!seal_) {
      problem_ = "a record sealed with AES-256-GCM; start with the --encrypt-key-file it was written with";
      return outcome::locked;
    }
    if (!seal_->open(r.seq, r.kind, payload, r.payload)) {
      problem_ =
          "a sealed record that does not open under the configured encryption key (another key, "
          "or bytes altered on purpose: its checksum matches); start with the key it was written with";
      return outcome::locked;
    }
  } else {
    r.payload.assign(payload);
  }
  r.offset = offset_;
  pos_ += record_header_bytes + length;
  offset_ += record_header_bytes + length;
  return outcome::record;
}

}  // namespace persona
