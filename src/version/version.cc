#include "version/version.h"

#include <algorithm>

namespace lsmdb {

size_t FindFile(const InternalKeyComparator& icmp, const FileList& files, std::string_view ikey) {
  size_t lo = 0, hi = files.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (icmp.Compare(files[mid]->largest, ikey) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

size_t FindFileForUserKey(const Comparator& ucmp, const FileList& files,
                          std::string_view user_key) {
  size_t lo = 0, hi = files.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ucmp.Compare(ExtractUserKey(files[mid]->largest), user_key) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

namespace {

// What a table lookup found for the key being read.
struct GetState {
  const Comparator* ucmp;
  std::string_view user_key;
  std::string* value;
  enum { kNotFound, kFound, kDeleted, kMerge, kCorrupt } result = kNotFound;
  bool block_searched = false;  // the table's filter let the key through
};

}  // namespace

Status Version::Get(const ReadOptions& options, const LookupKey& key, std::string* value,
                    bool* found, SeekCharge* charge) const {
  *found = false;
  const Comparator* ucmp = icmp_->user_comparator();
  std::string_view ikey = key.internal_key();
  std::string_view user_key = key.user_key();
  GetState state{ucmp, user_key, value};
  auto handle = [&state](std::string_view k, std::string_view v) {
    state.block_searched = true;
    ParsedInternalKey parsed;
    if (!ParseInternalKey(k, &parsed)) {
      state.result = GetState::kCorrupt;
      return;
    }
    if (state.ucmp->Compare(parsed.user_key, state.user_key) != 0) return;
    if (parsed.type == ValueType::kValue) {
      state.value->assign(v.data(), v.size());
      state.result = GetState::kFound;
    } else if (parsed.type == ValueType::kMerge) {
      state.result = GetState::kMerge;
    } else {
      state.result = GetState::kDeleted;
    }
  };
  // One std::function for all lookups of this Get (captures one pointer: no allocation).
  const std::function<void(std::string_view, std::string_view)> callback(handle);

  // The first table whose data block was searched in vain, and whether another table
  // was probed after it. A probe the filter answers costs about a cache miss, not worth
  // a compaction; a block searched in vain is (LevelDB charges both).
  SeekCharge first;
  bool probed_another = false;
  auto search = [&](FileMetaData& f, int level) -> Status {
    if (first.file != nullptr) probed_another = true;
    state.block_searched = false;
    Status s = table_cache_->Get(options, f, ikey, callback);
    if (first.file == nullptr && state.block_searched && state.result == GetState::kNotFound) {
      first = SeekCharge{&f, level};
    }
    if (!s.ok()) return s;
    if (state.result == GetState::kCorrupt) {
      return Status::Corruption("table #" + std::to_string(f.number), "bad internal key");
    }
    return Status::OK();
  };

  // L0: every table whose range holds the key, newest first.
  for (const auto& f : files_[0]) {
    if (ucmp->Compare(user_key, ExtractUserKey(f->smallest)) < 0 ||
        ucmp->Compare(user_key, ExtractUserKey(f->largest)) > 0) {
      continue;
    }
    Status s = search(*f, 0);
    if (!s.ok()) return s;
    if (state.result != GetState::kNotFound) break;
  }
  // Deeper levels: at most one table each.
  for (int level = 1; level < num_levels_ && state.result == GetState::kNotFound; level++) {
    const FileList& files = files_[level];
    if (files.empty()) continue;
    size_t index = FindFile(*icmp_, files, ikey);
    if (index >= files.size()) continue;
    FileMetaData& f = *files[index];
    if (ucmp->Compare(user_key, ExtractUserKey(f.smallest)) < 0) continue;
    Status s = search(f, level);
    if (!s.ok()) return s;
  }
  if (charge != nullptr && probed_another) *charge = first;
  if (state.result == GetState::kNotFound) return Status::OK();
  *found = true;
  if (state.result == GetState::kMerge) return MergeOperandFound();
  return state.result == GetState::kFound ? Status::OK() : Status::NotFound("");
}

SeekCharge Version::ChargeForKey(std::string_view user_key) const {
  const Comparator* ucmp = icmp_->user_comparator();
  auto holds = [&](const FileMetaData& f) {
    return ucmp->Compare(user_key, ExtractUserKey(f.smallest)) >= 0 &&
           ucmp->Compare(user_key, ExtractUserKey(f.largest)) <= 0;
  };
  SeekCharge first;
  auto visit = [&](FileMetaData& f, int level) {
    if (first.file != nullptr) return true;  // a second table: charge the first
    first = SeekCharge{&f, level};
    return false;
  };
  for (const auto& f : files_[0]) {
    if (holds(*f) && visit(*f, 0)) return first;
  }
  for (int level = 1; level < num_levels_; level++) {
    const FileList& files = files_[level];
    size_t index = FindFileForUserKey(*ucmp, files, user_key);
    if (index < files.size() && holds(*files[index]) && visit(*files[index], level)) {
      return first;
    }
  }
  return SeekCharge{};
}

void Version::AddIterators(const ReadOptions& options,
                           std::vector<std::unique_ptr<InternalIterator>>* iters) const {
  for (const auto& f : files_[0]) iters->push_back(table_cache_->NewIterator(options, *f));
  for (int level = 1; level < num_levels_; level++) {
    if (!files_[level].empty()) {
      iters->push_back(NewLevelIterator(options, icmp_, table_cache_, &files_[level]));
    }
  }
}

const FileMetaData* Version::FileByNumber(uint64_t number, int level) const {
  const int first = level < 0 ? 0 : level;
  const int last = level < 0 ? num_levels_ - 1 : level;
  for (int l = first; l <= last && l < num_levels_; l++) {
    for (const auto& f : files_[l]) {
      if (f->number == number) return f.get();
    }
  }
  return nullptr;
}

uint64_t Version::LevelBytes(int level) const {
  uint64_t sum = 0;
  for (const auto& f : files_[level]) sum += f->file_size;
  return sum;
}

FileList Version::GetOverlappingInputs(int level, const std::string_view* begin,
                                       const std::string_view* end) const {
  const Comparator* ucmp = icmp_->user_comparator();
  std::string lo = begin ? std::string(*begin) : std::string();
  std::string hi = end ? std::string(*end) : std::string();
  bool has_lo = begin != nullptr, has_hi = end != nullptr;
  FileList inputs;
  for (size_t i = 0; i < files_[level].size();) {
    const auto& f = files_[level][i++];
    std::string_view fs = ExtractUserKey(f->smallest), fl = ExtractUserKey(f->largest);
    if ((has_lo && ucmp->Compare(fl, lo) < 0) || (has_hi && ucmp->Compare(fs, hi) > 0)) {
      continue;
    }
    inputs.push_back(f);
    if (level == 0) {
      // L0 files may overlap each other: widen the range and start over if this file
      // sticks out of it.
      bool widened = false;
      if (has_lo && ucmp->Compare(fs, lo) < 0) {
        lo.assign(fs);
        widened = true;
      }
      if (has_hi && ucmp->Compare(fl, hi) > 0) {
        hi.assign(fl);
        widened = true;
      }
      if (widened) {
        inputs.clear();
        i = 0;
      }
    }
  }
  return inputs;
}

bool Version::OverlapInLevel(int level, const std::string_view* smallest_user_key,
                             const std::string_view* largest_user_key) const {
  return !GetOverlappingInputs(level, smallest_user_key, largest_user_key).empty();
}

std::string Version::DebugString() const {
  std::string r;
  for (int level = 0; level < num_levels_; level++) {
    r += "--- level " + std::to_string(level) + " ---\n";
    for (const auto& f : files_[level]) {
      ParsedInternalKey s, l;
      bool ok = ParseInternalKey(f->smallest, &s) && ParseInternalKey(f->largest, &l);
      r += " #" + std::to_string(f->number) + " " + std::to_string(f->file_size) + " bytes";
      if (ok) {
        r += " seq " + std::to_string(f->smallest_seq) + ".." + std::to_string(f->largest_seq);
      }
      r += "\n";
    }
  }
  return r;
}

uint64_t Version::ApproximateOffsetOf(std::string_view ikey) const {
  uint64_t result = 0;
  for (int level = 0; level < num_levels_; level++) {
    for (const auto& f : files_[level]) {
      if (icmp_->Compare(f->largest, ikey) <= 0) {
        result += f->file_size;  // wholly before ikey
      } else if (icmp_->Compare(f->smallest, ikey) > 0) {
        if (level > 0) break;  // sorted: the rest are after ikey too
      } else {
        uint64_t offset = 0;
        if (table_cache_->ApproximateOffsetOf(*f, ikey, &offset).ok()) {
          result += std::min(offset, f->file_size);
        }
      }
    }
  }
  return result;
}

}  // namespace lsmdb
