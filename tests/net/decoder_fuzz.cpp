// A libFuzzer harness for the network decoding path: arbitrary bytes go
// through the frame decoder, the message-shape check, value conversion and
// event decoding, exactly as a session feeds them. Any crash, leak or
// undefined behaviour is a bug. Built and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "net/event_decoder.hpp"
#include "net/frame_decoder.hpp"
#include "net/msgpack_value.hpp"
#include "net/rpc_codec.hpp"

using namespace persona;
using namespace persona::net;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  frame_decoder decoder(64 * 1024);
  // Feed in two pieces, as reads would.
  size_t half = size / 2;
  const char* bytes = reinterpret_cast<const char*>(data);
  for (int piece = 0; piece < 2; ++piece) {
    if (piece == 0)
      decoder.feed(bytes, half);
    else
      decoder.feed(bytes + half, size - half);
    msgpack::object_handle oh;
    while (true) {
      auto outcome = decoder.next(oh);
      if (outcome == frame_decoder::outcome::need_more)
        break;
      if (outcome != frame_decoder::outcome::message)
        return 0;  // the session closes the connection here
      rpc_message m;
      std::optional<uint32_t> id;
      if (parse_message(oh.get(), m, id))
        return 0;
      if (!m.params)
        continue;
      (void)to_value(*m.params, "params");
      if (m.params->type == msgpack::type::ARRAY && m.params->via.array.size > 0) {
        auto& first = m.params->via.array.ptr[0];
        if (first.type == msgpack::type::ARRAY)
          for (uint32_t i = 0; i < first.via.array.size; ++i) {
            event e;
            decode_event(first.via.array.ptr[i], e);
          }
      }
      (void)encode_response(m.msgid, value{"ok"});
    }
  }
  return 0;
}
