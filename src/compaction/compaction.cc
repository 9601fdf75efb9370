#include "compaction/compaction.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace lsmdb {
namespace {

uint64_t TotalBytes(const FileList& files) {
  uint64_t sum = 0;
  for (const auto& f : files) sum += f->file_size;
  return sum;
}

}  // namespace

Compaction::Compaction(const InternalKeyComparator* icmp, std::shared_ptr<const Version> version,
                       int level, int output_level, FileList inputs0, FileList inputs1,
                       FileList grandparents, uint64_t max_output_file_size, double score,
                       bool is_manual)
    : icmp_(icmp),
      version_(std::move(version)),
      level_(level),
      output_level_(output_level),
      inputs_{std::move(inputs0), std::move(inputs1)},
      grandparents_(std::move(grandparents)),
      max_output_file_size_(max_output_file_size),
      score_(score),
      is_manual_(is_manual) {
  assert(!inputs_[0].empty());
  assert(level_ <= output_level_ && output_level_ < version_->num_levels());
  const Comparator* ucmp = icmp_->user_comparator();
  bool first = true;
  for (const FileList& list : inputs_) {
    for (const auto& f : list) {
      std::string_view lo = ExtractUserKey(f->smallest), hi = ExtractUserKey(f->largest);
      if (first || ucmp->Compare(lo, smallest_user_key_) < 0) smallest_user_key_.assign(lo);
      if (first || ucmp->Compare(hi, largest_user_key_) > 0) largest_user_key_.assign(hi);
      first = false;
    }
  }
}

uint64_t Compaction::TotalInputBytes() const {
  return TotalBytes(inputs_[0]) + TotalBytes(inputs_[1]);
}

bool Compaction::IsTrivialMove() const {
  if (is_manual_ || level_ == output_level_ || !inputs_[1].empty()) return false;
  const Comparator* ucmp = icmp_->user_comparator();
  // The inputs must not share a user key (L0 tables may overlap one another): sort a copy
  // by smallest key and check that each ends before the next begins.
  FileList sorted = inputs_[0];
  std::sort(sorted.begin(), sorted.end(), [this](const auto& a, const auto& b) {
    return icmp_->Compare(a->smallest, b->smallest) < 0;
  });
  const uint64_t max_overlap = kMaxGrandparentOverlapFactor * max_output_file_size_;
  for (size_t i = 0; i < sorted.size(); i++) {
    const FileMetaData& f = *sorted[i];
    if (i + 1 < sorted.size() &&
        ucmp->Compare(ExtractUserKey(f.largest), ExtractUserKey(sorted[i + 1]->smallest)) >= 0) {
      return false;
    }
    // Each moved table must stay cheap to compact into the level below its new one.
    uint64_t overlap = 0;
    for (const auto& g : grandparents_) {
      if (ucmp->Compare(ExtractUserKey(g->largest), ExtractUserKey(f.smallest)) >= 0 &&
          ucmp->Compare(ExtractUserKey(g->smallest), ExtractUserKey(f.largest)) <= 0) {
        overlap += g->file_size;
      }
    }
    if (overlap > max_overlap) return false;
  }
  return true;
}

void Compaction::AddTrivialMove(VersionEdit* edit) const {
  assert(IsTrivialMove());
  for (const auto& input : inputs_[0]) {
    FileMetaData moved = *input;
    moved.being_compacted = false;
    edit->RemoveFile(level_, moved.number);
    edit->AddFile(output_level_, moved);
  }
}

void Compaction::AddInputDeletions(VersionEdit* edit) const {
  for (int which = 0; which < 2; which++) {
    const int lvl = which == 0 ? level_ : output_level_;
    for (const auto& f : inputs_[which]) edit->RemoveFile(lvl, f->number);
  }
}

bool Compaction::IsBaseLevelForKey(std::string_view user_key) {
  const Comparator* ucmp = icmp_->user_comparator();
  for (int lvl = output_level_ + 1; lvl < version_->num_levels(); lvl++) {
    const FileList& files = version_->files(lvl);
    size_t& i = level_ptrs_[lvl];
    // Tables wholly before user_key can hold none of the keys still to come.
    while (i < files.size() && ucmp->Compare(user_key, ExtractUserKey(files[i]->largest)) > 0) {
      i++;
    }
    if (i < files.size() && ucmp->Compare(user_key, ExtractUserKey(files[i]->smallest)) >= 0) {
      return false;
    }
  }
  return true;
}

bool Compaction::ShouldStopBefore(std::string_view internal_key, uint64_t output_bytes) {
  // Count the grandparents wholly before the key: the output so far overlaps them.
  bool crossed_boundary = false;
  while (grandparent_index_ < grandparents_.size() &&
         icmp_->Compare(internal_key, grandparents_[grandparent_index_]->largest) > 0) {
    if (seen_key_) {
      overlapped_bytes_ += grandparents_[grandparent_index_]->file_size;
      crossed_boundary = true;
    }
    grandparent_index_++;
  }
  seen_key_ = true;
  if (overlapped_bytes_ > kMaxGrandparentOverlapFactor * max_output_file_size_ ||
      (crossed_boundary && output_bytes >= max_output_file_size_ / 2)) {
    overlapped_bytes_ = 0;
    return true;
  }
  return false;
}

void Compaction::MarkBeingCompacted(bool value) const {
  for (const FileList& list : inputs_) {
    for (const auto& f : list) f->being_compacted = value;
  }
}

std::string Compaction::Summary() const {
  std::string r;
  for (int which = 0; which < 2; which++) {
    if (which == 1 && inputs_[1].empty()) break;
    if (which == 1) r += " + ";
    r += "L" + std::to_string(which == 0 ? level_ : output_level_) + " [";
    for (size_t i = 0; i < inputs_[which].size(); i++) {
      if (i > 0) r += ' ';
      r += '#' + std::to_string(inputs_[which][i]->number);
    }
    r += ']';
  }
  char tail[64];
  if (seek_triggered_) {
    std::snprintf(tail, sizeof(tail), " -> L%d (seek)", output_level_);
  } else {
    std::snprintf(tail, sizeof(tail), " -> L%d (%s %.2f)", output_level_,
                  is_manual_ ? "manual, score" : "score", score_);
  }
  r += tail;
  return r;
}

}  // namespace lsmdb
