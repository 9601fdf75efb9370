// Fuzz target for Block and BlockIter (src/sstable/block.h): the input is the contents of
// one block (no trailer). It is iterated forward and backward and sought, once with the
// bytewise comparator and once as a block of internal keys. Besides memory safety it
// checks that a clean backward scan yields exactly the reverse of a clean forward scan
// (Prev is positional, whatever the order of the keys), that a damaged block never
// yields entries after reporting its damage, and that Seek lands on a key >= target
// whenever the keys are sorted.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lsmdb/comparator.h"
#include "sstable/block.h"
#include "util/internal_key.h"

namespace lsmdb::fuzz {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

// Scans it forward (or backward); returns false when the scan ended on damage.
bool Scan(InternalIterator* it, bool forward, Entries* out) {
  size_t steps = 0;
  for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid();
       forward ? it->Next() : it->Prev()) {
    FUZZ_CHECK(it->status().ok(), "Valid() with a non-OK status");
    out->emplace_back(std::string(it->key()), std::string(it->value()));
    FUZZ_CHECK(++steps <= (1u << 20), "iteration does not terminate");
  }
  return it->status().ok();
}

void Exercise(const Block& block, const Comparator* cmp, size_t min_key_size) {
  std::unique_ptr<InternalIterator> it = block.NewIterator(cmp, min_key_size);
  Entries fwd;
  Entries bwd;
  const bool fwd_ok = Scan(it.get(), true, &fwd);
  const bool bwd_ok = Scan(it.get(), false, &bwd);
  if (!block.ok()) {
    FUZZ_CHECK(fwd.empty() && bwd.empty(), "a malformed block yielded entries");
  }
  for (const auto& [k, v] : fwd) {
    FUZZ_CHECK(k.size() >= min_key_size, "key shorter than min_key_size");
  }
  bool sorted = true;
  for (size_t i = 1; i < fwd.size(); ++i) {
    if (cmp->Compare(fwd[i - 1].first, fwd[i].first) >= 0) sorted = false;
  }
  if (fwd_ok && bwd_ok) {
    FUZZ_CHECK(fwd.size() == bwd.size(),
               "forward and backward scans differ in length: " + std::to_string(fwd.size()) +
                   " vs " + std::to_string(bwd.size()));
    for (size_t i = 0; i < fwd.size(); ++i) {
      FUZZ_CHECK(fwd[i] == bwd[fwd.size() - 1 - i], "backward scan is not the reverse");
    }
  }
  // Seek to every key seen and to a few probes; on a clean sorted block the result must
  // be the first key >= target.
  std::vector<std::string> targets;
  for (size_t i = 0; i < fwd.size() && i < 64; ++i) targets.push_back(fwd[i].first);
  targets.emplace_back("");
  targets.emplace_back(std::string(min_key_size, '\xff'));
  targets.emplace_back(std::string(min_key_size + 1, 'm'));
  for (const std::string& target : targets) {
    if (target.size() < min_key_size) continue;
    it->Seek(target);
    if (fwd_ok && bwd_ok && sorted) {
      size_t want = 0;
      while (want < fwd.size() && cmp->Compare(fwd[want].first, target) < 0) ++want;
      if (it->status().ok()) {
        FUZZ_CHECK(it->Valid() == (want < fwd.size()), "Seek validity wrong");
        if (it->Valid()) FUZZ_CHECK(it->key() == fwd[want].first, "Seek landed wrong");
      }
    }
    // Step around from wherever Seek landed.
    for (int i = 0; i < 3 && it->Valid(); ++i) it->Prev();
    for (int i = 0; i < 6 && it->Valid(); ++i) it->Next();
  }
}

}  // namespace
}  // namespace lsmdb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lsmdb;
  static const InternalKeyComparator kInternal(BytewiseComparator());
  // The block owns a copy of the input, as a block read from a file does.
  std::unique_ptr<char[]> owned(new char[size == 0 ? 1 : size]);
  if (size > 0) std::memcpy(owned.get(), data, size);
  BlockContents contents;
  contents.data = std::string_view(owned.get(), size);
  contents.owned = std::move(owned);
  const Block block(std::move(contents));
  fuzz::Exercise(block, BytewiseComparator(), 0);
  fuzz::Exercise(block, &kInternal, 8);
  return 0;
}
