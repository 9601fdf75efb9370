#include "compaction/compaction_picker.h"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace lsmdb {
namespace {

// A job's inputs may grow to this many times target_file_size when the picker adds
// tables of the input level that cost nothing more in the output level.
constexpr uint64_t kExpandedCompactionFactor = 25;

uint64_t TotalBytes(const FileList& files) {
  uint64_t sum = 0;
  for (const auto& f : files) sum += f->file_size;
  return sum;
}

bool AnyBeingCompacted(const FileList& files) {
  return std::any_of(files.begin(), files.end(), [](const auto& f) { return f->being_compacted; });
}

// The user-key range covered by the tables of a and b. REQUIRES: a or b is not empty.
void UserKeyRange(const Comparator* ucmp, const FileList& a, const FileList& b,
                  std::string_view* lo, std::string_view* hi) {
  bool first = true;
  for (const FileList* list : {&a, &b}) {
    for (const auto& f : *list) {
      std::string_view s = ExtractUserKey(f->smallest), l = ExtractUserKey(f->largest);
      if (first || ucmp->Compare(s, *lo) < 0) *lo = s;
      if (first || ucmp->Compare(l, *hi) > 0) *hi = l;
      first = false;
    }
  }
}

}  // namespace

CompactionPicker::CompactionPicker(const Options* options, const InternalKeyComparator* icmp)
    : options_(options), icmp_(icmp), ucmp_(icmp->user_comparator()) {}

CompactionPicker::~CompactionPicker() { assert(running_.empty()); }

int CompactionPicker::BaseLevel(const Version& v) const {
  return ComputeLevelTargets(*options_, v).base_level;
}

uint64_t CompactionPicker::LevelTarget(const Version& v, int level) const {
  return ComputeLevelTargets(*options_, v).bytes[level];
}

std::vector<double> CompactionPicker::Scores(const Version& v) const {
  const int n = v.num_levels();
  const LevelTargets targets = ComputeLevelTargets(*options_, v);
  std::vector<double> scores(n, 0.0);
  int l0_files = 0;
  for (const auto& f : v.files(0)) l0_files += f->being_compacted ? 0 : 1;
  scores[0] = static_cast<double>(l0_files) / options_->level0_file_num_compaction_trigger;
  for (int level = 1; level < n - 1; level++) {
    if (targets.bytes[level] == 0) continue;
    uint64_t bytes = 0;
    for (const auto& f : v.files(level)) bytes += f->being_compacted ? 0 : f->file_size;
    scores[level] = static_cast<double>(bytes) / static_cast<double>(targets.bytes[level]);
  }
  return scores;
}

bool CompactionPicker::NeedsCompaction(const Version& v) const {
  for (double score : Scores(v)) {
    if (score >= 1) return true;
  }
  for (const auto& [level, number] : seek_candidates_) {
    const FileMetaData* f = FindSeekCandidate(v, level, number);
    if (f != nullptr && !f->being_compacted) return true;
  }
  return false;
}

void CompactionPicker::AddSeekCandidate(int level, uint64_t number) {
  for (const auto& candidate : seek_candidates_) {
    if (candidate == std::make_pair(level, number)) return;
  }
  seek_candidates_.emplace_back(level, number);
}

const FileMetaData* CompactionPicker::FindSeekCandidate(const Version& v, int level,
                                                        uint64_t number) const {
  // The last level has nowhere to go.
  if (level < 0 || level >= v.num_levels() - 1) return nullptr;
  return v.FileByNumber(number, level);
}

std::unique_ptr<Compaction> CompactionPicker::PickSeekCompaction(
    const std::shared_ptr<const Version>& v) {
  for (size_t i = 0; i < seek_candidates_.size();) {
    const auto [level, number] = seek_candidates_[i];
    const FileMetaData* f = FindSeekCandidate(*v, level, number);
    if (f == nullptr) {
      seek_candidates_.erase(seek_candidates_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    std::unique_ptr<Compaction> c;
    if (f->being_compacted) {
      // Already on its way down; its job ends the candidate.
    } else if (level == 0) {
      c = PickLevel0(v, BaseLevel(*v), 0.0);
    } else {
      std::string_view lo = ExtractUserKey(f->smallest), hi = ExtractUserKey(f->largest);
      c = SetupInputs(v, level, level + 1, v->GetOverlappingInputs(level, &lo, &hi), 0.0,
                      /*is_manual=*/false);
    }
    if (c != nullptr) {
      seek_candidates_.erase(seek_candidates_.begin() + static_cast<std::ptrdiff_t>(i));
      c->set_seek_triggered();
      seek_compactions_picked_++;
      return c;
    }
    i++;
  }
  return nullptr;
}

std::unique_ptr<Compaction> CompactionPicker::PickCompaction(std::shared_ptr<const Version> v,
                                                             std::string* compact_pointers) {
  const std::vector<double> scores = Scores(*v);
  std::vector<int> order;
  for (int level = 0; level < v->num_levels(); level++) {
    if (scores[level] >= 1) order.push_back(level);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&scores](int a, int b) { return scores[a] > scores[b]; });
  for (int level : order) {
    std::unique_ptr<Compaction> c =
        level == 0 ? PickLevel0(v, BaseLevel(*v), scores[0])
                   : PickLevel(v, level, scores[level], &compact_pointers[level]);
    if (c != nullptr) {
      Register(c.get());
      return c;
    }
  }
  std::unique_ptr<Compaction> c = PickSeekCompaction(v);
  if (c != nullptr) Register(c.get());
  return c;
}

std::unique_ptr<Compaction> CompactionPicker::PickLevel0(const std::shared_ptr<const Version>& v,
                                                         int base_level, double score) {
  const FileList& files = v->files(0);
  if (files.empty()) return nullptr;
  // Group the L0 tables into components that overlap transitively: sorted by smallest
  // user key, a table joins the current component if it starts before the component
  // ends. A component holding a table being compacted is off limits: taking some of
  // its tables could move older data below newer data.
  std::vector<size_t> by_key(files.size());
  for (size_t i = 0; i < files.size(); i++) by_key[i] = i;
  std::sort(by_key.begin(), by_key.end(), [&](size_t a, size_t b) {
    return ucmp_->Compare(ExtractUserKey(files[a]->smallest), ExtractUserKey(files[b]->smallest)) <
           0;
  });
  struct Component {
    std::vector<size_t> members;
    bool eligible = true;
  };
  std::vector<Component> components;
  std::string_view end;
  for (size_t i : by_key) {
    const auto& f = files[i];
    if (components.empty() || ucmp_->Compare(ExtractUserKey(f->smallest), end) > 0) {
      components.emplace_back();
      end = ExtractUserKey(f->largest);
    } else if (ucmp_->Compare(ExtractUserKey(f->largest), end) > 0) {
      end = ExtractUserKey(f->largest);
    }
    components.back().members.push_back(i);
    if (f->being_compacted) components.back().eligible = false;
  }
  // Runs of adjacent eligible components; the biggest run is tried first.
  std::vector<std::vector<size_t>> runs;
  bool in_run = false;
  for (const Component& comp : components) {
    if (!comp.eligible) {
      in_run = false;
      continue;
    }
    if (!in_run) runs.emplace_back();
    in_run = true;
    runs.back().insert(runs.back().end(), comp.members.begin(), comp.members.end());
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (std::vector<size_t>& run : runs) {
    std::sort(run.begin(), run.end());  // back to newest-first order
    FileList inputs0;
    for (size_t i : run) inputs0.push_back(files[i]);
    auto c = SetupInputs(v, 0, base_level, std::move(inputs0), score, /*is_manual=*/false);
    if (c != nullptr) return c;
  }
  return nullptr;
}

std::unique_ptr<Compaction> CompactionPicker::PickLevel(const std::shared_ptr<const Version>& v,
                                                        int level, double score,
                                                        std::string* compact_pointer) {
  const FileList& files = v->files(level);
  const FileList& next = v->files(level + 1);
  const size_t n = files.size();
  if (n == 0) return nullptr;
  // Round robin: ties go to the first table after the compact pointer.
  size_t start = 0;
  if (!compact_pointer->empty()) {
    while (start < n && icmp_->Compare(files[start]->largest, *compact_pointer) <= 0) start++;
    if (start == n) start = 0;
  }
  // (ratio, position after the pointer, index) of every candidate. The tables of both
  // levels are sorted, so one sweep finds each table's overlap in the next level.
  std::vector<std::tuple<double, size_t, size_t>> candidates;
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    const auto& f = files[i];
    std::string_view lo = ExtractUserKey(f->smallest), hi = ExtractUserKey(f->largest);
    while (j < next.size() && ucmp_->Compare(ExtractUserKey(next[j]->largest), lo) < 0) j++;
    if (f->being_compacted) continue;
    uint64_t overlap = 0;
    for (size_t k = j; k < next.size(); k++) {
      if (ucmp_->Compare(ExtractUserKey(next[k]->smallest), hi) > 0) break;
      overlap += next[k]->file_size;
    }
    const double ratio =
        static_cast<double>(overlap) / static_cast<double>(std::max<uint64_t>(f->file_size, 1));
    candidates.emplace_back(ratio, (i + n - start) % n, i);
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& [ratio, position, i] : candidates) {
    // Take every table sharing a user key with the chosen one (none while levels keep
    // user keys disjoint, as compaction outputs do).
    std::string_view lo = ExtractUserKey(files[i]->smallest);
    std::string_view hi = ExtractUserKey(files[i]->largest);
    auto c = SetupInputs(v, level, level + 1, v->GetOverlappingInputs(level, &lo, &hi), score,
                         /*is_manual=*/false);
    if (c != nullptr) {
      *compact_pointer = c->inputs(0).back()->largest;
      return c;
    }
  }
  return nullptr;
}

std::unique_ptr<Compaction> CompactionPicker::CompactRange(std::shared_ptr<const Version> v,
                                                           int level, const std::string_view* begin,
                                                           const std::string_view* end,
                                                           bool* busy) {
  if (busy != nullptr) *busy = false;
  FileList inputs0 = v->GetOverlappingInputs(level, begin, end);
  if (inputs0.empty()) return nullptr;
  const int last = v->num_levels() - 1;
  const int output_level = level == 0 ? BaseLevel(*v) : std::min(level + 1, last);
  auto c = SetupInputs(v, level, output_level, std::move(inputs0), 0.0, /*is_manual=*/true);
  if (c == nullptr) {
    if (busy != nullptr) *busy = true;
    return nullptr;
  }
  Register(c.get());
  return c;
}

std::unique_ptr<Compaction> CompactionPicker::SetupInputs(const std::shared_ptr<const Version>& v,
                                                          int level, int output_level,
                                                          FileList inputs0, double score,
                                                          bool is_manual) {
  if (AnyBeingCompacted(inputs0)) return nullptr;
  const FileList kNone;
  std::string_view lo, hi;
  UserKeyRange(ucmp_, inputs0, kNone, &lo, &hi);
  FileList inputs1;
  if (output_level != level) inputs1 = v->GetOverlappingInputs(output_level, &lo, &hi);
  if (AnyBeingCompacted(inputs1)) return nullptr;

  // Take more tables of level if they lie within the range already read from
  // output_level, so that they cost no extra output-level reads.
  if (level > 0 && !is_manual && !inputs1.empty()) {
    std::string_view all_lo, all_hi;
    UserKeyRange(ucmp_, inputs0, inputs1, &all_lo, &all_hi);
    FileList expanded0 = v->GetOverlappingInputs(level, &all_lo, &all_hi);
    if (expanded0.size() > inputs0.size() && !AnyBeingCompacted(expanded0) &&
        TotalBytes(expanded0) + TotalBytes(inputs1) <
            kExpandedCompactionFactor * options_->target_file_size) {
      std::string_view e_lo, e_hi;
      UserKeyRange(ucmp_, expanded0, kNone, &e_lo, &e_hi);
      FileList expanded1 = v->GetOverlappingInputs(output_level, &e_lo, &e_hi);
      if (expanded1.size() == inputs1.size()) {
        inputs0 = std::move(expanded0);
        inputs1 = std::move(expanded1);
      }
    }
  }

  std::string_view all_lo, all_hi;
  UserKeyRange(ucmp_, inputs0, inputs1, &all_lo, &all_hi);
  if (OutputRangeBusy(output_level, all_lo, all_hi)) return nullptr;
  FileList grandparents;
  if (output_level + 1 < v->num_levels()) {
    grandparents = v->GetOverlappingInputs(output_level + 1, &all_lo, &all_hi);
  }
  return std::make_unique<Compaction>(icmp_, v, level, output_level, std::move(inputs0),
                                      std::move(inputs1), std::move(grandparents),
                                      options_->target_file_size, score, is_manual);
}

bool CompactionPicker::OutputRangeBusy(int output_level, std::string_view lo,
                                       std::string_view hi) const {
  for (const Compaction* c : running_) {
    if (c->output_level() != output_level) continue;
    if (ucmp_->Compare(hi, c->smallest_user_key()) < 0 ||
        ucmp_->Compare(lo, c->largest_user_key()) > 0) {
      continue;
    }
    return true;
  }
  return false;
}

void CompactionPicker::Register(Compaction* c) {
  c->MarkBeingCompacted(true);
  running_.push_back(c);
}

void CompactionPicker::ReleaseCompaction(Compaction* c) {
  auto it = std::find(running_.begin(), running_.end(), c);
  assert(it != running_.end());
  if (it == running_.end()) return;
  running_.erase(it);
  c->MarkBeingCompacted(false);
}

}  // namespace lsmdb
