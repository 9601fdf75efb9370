// Fuzz target for WriteBatch::SetContents and Iterate (include/lsmdb/write_batch.h): the
// input is a batch's serialized contents. When SetContents accepts it, Iterate must
// succeed or fail cleanly; when it succeeds the operations it reports must match Count(),
// and replaying them into a fresh batch must reproduce the same operations.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lsmdb/write_batch.h"

namespace lsmdb::fuzz {
namespace {

// Records the operations of a batch, and optionally replays them into another batch.
class Recorder final : public WriteBatch::Handler {
 public:
  explicit Recorder(WriteBatch* replay = nullptr) : replay_(replay) {}
  void Put(std::string_view key, std::string_view value) override {
    ops_.push_back({'p', std::string(key), std::string(value)});
    if (replay_ != nullptr) replay_->Put(key, value);
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    ops_.push_back({'r', std::string(begin), std::string(end)});
    if (replay_ != nullptr) replay_->DeleteRange(begin, end);
    return Status::OK();
  }
  Status Merge(std::string_view key, std::string_view operand) override {
    ops_.push_back({'m', std::string(key), std::string(operand)});
    if (replay_ != nullptr) replay_->Merge(key, operand);
    return Status::OK();
  }
  void Delete(std::string_view key) override {
    ops_.push_back({'d', std::string(key), std::string()});
    if (replay_ != nullptr) replay_->Delete(key);
  }
  struct Op {
    char kind;  // p(ut), d(elete), r(ange deletion), m(erge)
    std::string key;
    std::string value;
    bool operator==(const Op&) const = default;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  WriteBatch* replay_;
  std::vector<Op> ops_;
};

}  // namespace
}  // namespace lsmdb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lsmdb;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  WriteBatch batch;
  if (!batch.SetContents(input).ok()) return 0;
  WriteBatch replay;
  fuzz::Recorder recorder(&replay);
  Status s = batch.Iterate(&recorder);
  if (!s.ok()) {
    FUZZ_CHECK(s.IsCorruption() || s.IsInvalidArgument(), s.ToString());
    return 0;
  }
  FUZZ_CHECK(recorder.ops().size() == batch.Count(),
             "Iterate reported " + std::to_string(recorder.ops().size()) +
                 " operations, Count() is " + std::to_string(batch.Count()));
  FUZZ_CHECK(replay.Count() == batch.Count(), "replayed batch has a different count");
  fuzz::Recorder again;
  s = replay.Iterate(&again);
  FUZZ_CHECK(s.ok(), "replayed batch does not iterate: " + s.ToString());
  FUZZ_CHECK(again.ops() == recorder.ops(), "replayed batch differs");
  // The replay's contents (with the original header) must be accepted too.
  WriteBatch copy;
  FUZZ_CHECK(copy.SetContents(replay.Contents()).ok(), "own contents rejected");
  return 0;
}
