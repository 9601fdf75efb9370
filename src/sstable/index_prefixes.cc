#include "sstable/index_prefixes.h"

#include <algorithm>
#include <limits>

#include "util/internal_key.h"

namespace lsmdb {

void IndexPrefixes::Build(const Block& index, const Comparator* comparator) {
  enabled_ = false;
  keys_.clear();
  prefix_.clear();
  const auto* icmp = dynamic_cast<const InternalKeyComparator*>(comparator);
  if (icmp == nullptr || icmp->user_comparator() != BytewiseComparator() || !index.ok()) return;

  BlockIter it(comparator, &index, kInternalKeyTrailer);
  std::vector<std::string_view> user_keys;  // point into index
  user_keys.reserve(index.num_restarts());
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const std::string_view k = ExtractUserKey(it.key());
    // Keys assembled from a shared prefix live in the iterator: not with one key per
    // restart point, which is the only layout used here.
    if (k.data() < index.data().data() || k.data() >= index.data().data() + index.size()) return;
    user_keys.push_back(k);
  }
  // Usable only when every key sits at its own restart point (and nothing was damaged).
  if (!it.status().ok() || user_keys.empty() || user_keys.size() != index.num_restarts()) return;
  // The prefix shared by the first and the last but one key: the last index key is often
  // a short successor ("1" after "0000000000999999") that shares nothing. Keys without
  // the prefix still get an image that keeps the order (see Image()).
  const std::string_view a = user_keys.front();
  const std::string_view b = user_keys[user_keys.size() > 1 ? user_keys.size() - 2 : 0];
  size_t shared = 0;
  while (shared < a.size() && shared < b.size() && a[shared] == b[shared]) shared++;
  prefix_.assign(a.data(), shared);
  keys_.reserve(user_keys.size());
  for (std::string_view k : user_keys) keys_.push_back(Image(k));
  keys_.shrink_to_fit();
  enabled_ = true;
}

uint64_t IndexPrefixes::Image(std::string_view user_key) const {
  // A key without the prefix sorts before or after every key that has it: 0 or the
  // largest image, so that the order is kept (ties are settled by comparing keys).
  const size_t n = std::min(user_key.size(), prefix_.size());
  const int c = user_key.compare(0, n, prefix_, 0, n);
  if (c < 0 || (c == 0 && user_key.size() < prefix_.size())) return 0;
  if (c > 0) return std::numeric_limits<uint64_t>::max();
  uint64_t v = 0;
  const size_t avail = std::min<size_t>(user_key.size() - prefix_.size(), 8);
  for (size_t i = 0; i < 8; i++) {
    const uint64_t byte = i < avail ? static_cast<unsigned char>(user_key[prefix_.size() + i]) : 0;
    v = (v << 8) | byte;
  }
  return v;
}

void IndexPrefixes::Bounds(std::string_view ikey, uint32_t* first, uint32_t* last) const {
  const uint64_t image = Image(ExtractUserKey(ikey));
  // Keys with a smaller image are < ikey, keys with a larger one are > ikey.
  const auto lo = std::lower_bound(keys_.begin(), keys_.end(), image);
  const auto hi = std::upper_bound(lo, keys_.end(), image);
  const auto below = static_cast<uint32_t>(lo - keys_.begin());
  const auto not_above = static_cast<uint32_t>(hi - keys_.begin());
  *first = below > 0 ? below - 1 : 0;
  *last = not_above > 0 ? not_above - 1 : 0;
}

}  // namespace lsmdb
