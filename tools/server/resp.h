// RESP (REdis Serialization Protocol) request parsing and reply encoding for lsmdb-server.
//
// RespParser turns the bytes a client sent into commands (argument vectors), one at a
// time, accepting both the multibulk form (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline
// commands (`GET k\r\n`), with Redis 7.0's protocol error texts. ReplyWriter encodes
// replies in RESP2 or, after HELLO 3, RESP3.
//
// Thread-safety: neither class is synchronised; each connection owns its own.
#ifndef LSMDB_TOOLS_SERVER_RESP_H_
#define LSMDB_TOOLS_SERVER_RESP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdb::server {

struct RespLimits {
  // Longest bulk string accepted in a request (Redis: proto-max-bulk-len).
  int64_t max_bulk_len = int64_t{512} << 20;
  // Most arguments in one multibulk request.
  int64_t max_args = 1024 * 1024;
  // Longest inline request, and longest count line (Redis: 64 KiB).
  size_t max_inline = 64 * 1024;
};

class RespParser {
 public:
  enum class Result {
    kNeedMore,  // the buffer holds no complete command yet
    kCommand,   // *args holds a command (never empty)
    kError,     // *error holds the error reply text (without '-' and CRLF); close after it
  };

  explicit RespParser(const RespLimits& limits) : limits_(limits) {}

  // Parses from the front of buf. *consumed is set to the bytes used (they must be removed
  // from the front of the buffer before the next call, whatever the result). Parsing of a
  // long multibulk request is resumed where it stopped: bytes already consumed are not
  // looked at again. An empty request (a blank inline line, `*0`) yields nothing.
  Result Parse(std::string_view buf, size_t* consumed, std::vector<std::string>* args,
               std::string* error);

  // True while a multibulk request is partly parsed.
  bool InRequest() const { return remaining_ > 0; }

 private:
  Result ParseInline(std::string_view buf, size_t* consumed, std::vector<std::string>* args,
                     std::string* error);
  Result ParseMultibulk(std::string_view buf, size_t* consumed, std::vector<std::string>* args,
                        std::string* error);

  RespLimits limits_;
  int64_t remaining_ = 0;  // arguments still to read in the current multibulk request
  int64_t bulk_len_ = -1;  // length of the bulk being read, -1 before its header
  std::vector<std::string> partial_;
};

// Splits an inline request into arguments as Redis does (whitespace separated, "double"
// quotes with \n \r \t \b \a \\ \" \xHH escapes, 'single' quotes with \'). False for
// unbalanced quotes or a closing quote not followed by a space.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* args);

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int proto = 2) : out_(out), proto_(proto) {}
  int proto() const { return proto_; }
  void set_proto(int proto) { proto_ = proto; }

  void Simple(std::string_view s);
  // text is the whole error line, e.g. "ERR syntax error" or "WRONGTYPE ...". CR and LF
  // in it are replaced by spaces.
  void Error(std::string_view text);
  void Int(int64_t n);
  void Bulk(std::string_view s);
  void Null();       // a missing value: $-1 (RESP2) or _ (RESP3)
  void NullArray();  // a missing array: *-1 (RESP2) or _ (RESP3)
  void Array(size_t n);
  void Map(size_t pairs);             // *2n (RESP2) or %n (RESP3)
  void Set(size_t n);                 // *n (RESP2) or ~n (RESP3)
  void Double(double d);              // bulk (RESP2) or ,d (RESP3)
  void Verbatim(std::string_view s);  // bulk (RESP2) or =txt: (RESP3)
  void Bool(bool b);                  // :0/:1 (RESP2) or #t/#f (RESP3)
  std::string* out() { return out_; }

 private:
  void Header(char c, int64_t n);
  std::string* out_;
  int proto_;
};

// Redis's textual form of a double (%.17g, inf/-inf), as INCRBYFLOAT and RESP3 use.
std::string FormatDouble(long double d, bool human);

}  // namespace lsmdb::server

#endif  // LSMDB_TOOLS_SERVER_RESP_H_
