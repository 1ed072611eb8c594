#include "core/storage/model_file.hpp"

#include "core/storage/record_file.hpp"
#include "core/util/byte_codec.hpp"

namespace persona {

namespace {

constexpr uint8_t header_kind = 0;
constexpr uint8_t end_kind = 255;
constexpr const char* magic = "persona item model";

}  // namespace

std::string model_file_path(const std::string& data_dir) {
  return data_dir + "/item-model.dat";
}

status write_model_file(const std::string& data_dir, const model_file& file, file_env& env) {
  auto path = model_file_path(data_dir);
  auto tmp = path + ".tmp";
  std::string bytes;
  byte_writer header;
  header.put_string(magic);
  header.put_u32(model_file_format);
  header.put_varint(file.covered.size());
  for (auto seq : file.covered)
    header.put_u64(seq);
  uint64_t seq = 0;
  append_record(bytes, seq++, header_kind, header.take(), env.seal());
  auto out = env.create_for_write(tmp);
  if (!out.ok())
    return out.error();
  // Sections one at a time: the file is written as it is framed.
  if (auto st = (*out)->append(bytes); !st.ok())
    return st;
  for (auto& s : file.sections) {
    bytes.clear();
    append_record(bytes, seq++, static_cast<uint8_t>(s.kind), s.bytes, env.seal());
    if (auto st = (*out)->append(bytes); !st.ok())
      return st;
  }
  byte_writer end;
  end.put_varint(file.sections.size());
  bytes.clear();
  append_record(bytes, seq, end_kind, end.take(), env.seal());
  if (auto st = (*out)->append(bytes); !st.ok())
    return st;
  if (auto st = (*out)->sync(); !st.ok())
    return st;
  out->reset();
  if (auto st = env.rename_file(tmp, path); !st.ok())
    return st;
  return env.sync_directory(data_dir);
}

result<model_file> read_model_file(const std::string& data_dir, file_env& env) {
  auto path = model_file_path(data_dir);
  auto size = env.file_size(path);
  if (!size.ok())
    return status{error_code::not_found, "no item model file '" + path + "'"};
  auto in = env.open_for_read(path);
  if (!in.ok())
    return in.error();
  auto bad = [&](const std::string& why) {
    return status{error_code::bad_request, "the item model file '" + path + "' " + why};
  };
  record_reader reader(std::move(*in), env.seal());
  file_record r;
  model_file out;
  bool header = false;
  uint64_t expected_seq = 0;
  for (;;) {
    auto o = reader.next(r);
    if (o == record_reader::outcome::end)
      return bad("ends before its end record (cut short)");
    if (o == record_reader::outcome::bad)
      return bad("is damaged at offset " + std::to_string(reader.offset()) + ": " + reader.problem());
    if (o == record_reader::outcome::locked)
      return status{error_code::unauthenticated,
                    "the item model file '" + path + "' holds " + reader.problem()};
    if (r.seq != expected_seq++)
      return bad("has its records out of order");
    if (!header) {
      byte_reader h(r.payload);
      std::string m;
      uint32_t format = 0;
      uint64_t shards = 0;
      if (r.kind != header_kind || !h.get_string(m) || m != magic)
        return bad("is not an item model file");
      if (!h.get_u32(format) || format != model_file_format)
        return bad("has format " + std::to_string(format) + ", this node reads format " +
                   std::to_string(model_file_format));
      if (!h.get_varint(shards) || shards > h.remaining() / 8)
        return bad("has a header that does not decode");
      out.covered.resize(shards);
      for (auto& seq : out.covered)
        h.get_u64(seq);
      header = true;
      continue;
    }
    if (r.kind == end_kind) {
      byte_reader e(r.payload);
      uint64_t count = 0;
      if (!e.get_varint(count) || count != r.seq - 1)
        return bad("has an end record that does not match its sections");
      return out;
    }
    out.sections.push_back({static_cast<section_kind>(r.kind), std::move(r.payload)});
  }
}

}  // namespace persona
