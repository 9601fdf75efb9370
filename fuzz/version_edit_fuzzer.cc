// Fuzz target for VersionEdit::DecodeFrom (src/version/version_edit.h): the input is one
// MANIFEST record. When it decodes, the edit is re-encoded, the encoding decoded again,
// and the two encodings must be equal (encode . decode is a fixed point after one round)
// and so must the debug strings of the two edits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "version/version_edit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using lsmdb::VersionEdit;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  VersionEdit edit;
  if (!edit.DecodeFrom(input).ok()) return 0;
  std::string first;
  edit.EncodeTo(&first);
  VersionEdit again;
  lsmdb::Status s = again.DecodeFrom(first);
  FUZZ_CHECK(s.ok(), "re-encoded edit does not decode: " + s.ToString());
  std::string second;
  again.EncodeTo(&second);
  FUZZ_CHECK(first == second, "encodings differ after a round trip");
  FUZZ_CHECK(edit.DebugString() == again.DebugString(), "edits differ after a round trip");
  return 0;
}
