// Fuzz target for lsmdb-server's RESP request parser (tools/server/resp.h). The first
// input byte picks a chunk size; the rest is fed to RespParser in chunks of that size, as
// a socket would deliver it. Checked: no crash, every call consumes at most what it was
// given and reports a non-empty command or an error text; feeding the same bytes all at
// once gives the same commands (chunking never changes the parse); re-encoding the
// commands as multibulk and parsing that gives the commands back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "resp.h"

namespace lsmdb::server {
namespace {

using Cmds = std::vector<std::vector<std::string>>;

// Parses data in chunks; returns the commands, and in *err the error (if any).
Cmds ParseChunked(std::string_view data, size_t chunk, std::string* err) {
  RespLimits limits;
  limits.max_bulk_len = 1 << 20;
  limits.max_args = 1 << 12;
  RespParser parser(limits);
  std::string buf;
  Cmds cmds;
  err->clear();
  for (size_t i = 0; i < data.size(); i += chunk) {
    buf.append(data.substr(i, chunk));
    for (int guard = 0; guard < 1 << 20; guard++) {
      size_t used = 0;
      std::vector<std::string> args;
      auto r = parser.Parse(buf, &used, &args, err);
      FUZZ_CHECK(used <= buf.size(), "consumed more than given");
      buf.erase(0, used);
      if (r == RespParser::Result::kError) {
        FUZZ_CHECK(!err->empty(), "error without text");
        return cmds;
      }
      if (r == RespParser::Result::kCommand) {
        FUZZ_CHECK(!args.empty(), "empty command");
        cmds.push_back(std::move(args));
        continue;
      }
      if (used == 0) break;
    }
  }
  return cmds;
}

std::string Encode(const Cmds& cmds) {
  std::string out;
  for (const auto& c : cmds) {
    out += "*" + std::to_string(c.size()) + "\r\n";
    for (const auto& a : c) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  }
  return out;
}

}  // namespace
}  // namespace lsmdb::server

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lsmdb::server;
  if (size == 0) return 0;
  size_t chunk = 1 + data[0] % 64;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string err_chunked, err_whole, err_again;
  Cmds chunked = ParseChunked(in, chunk, &err_chunked);
  Cmds whole = ParseChunked(in, in.size() + 1, &err_whole);
  FUZZ_CHECK(chunked == whole, "chunking changed the commands");
  FUZZ_CHECK(err_chunked == err_whole, "chunking changed the error");
  Cmds again = ParseChunked(Encode(whole), 1 + chunk, &err_again);
  FUZZ_CHECK(again == whole && err_again.empty(), "re-encoded commands parse differently");
  std::vector<std::string> args;
  (void)SplitInlineArgs(in, &args);
  return 0;
}
