#include "db/table_salvage.h"

#include <algorithm>
#include <memory>

#include "sstable/block.h"
#include "sstable/block_walker.h"
#include "sstable/format.h"
#include "sstable/table_properties.h"

namespace lsmdb {
namespace {

// Resuming after damage without an index tries every offset; these bound the work.
constexpr uint64_t kMinResyncBlock = 8 * 1024;         // the largest block assumed at first
constexpr uint64_t kResyncBudget = uint64_t{1} << 26;  // bytes of crc32c per table

class Salvager {
 public:
  Salvager(std::string_view file, const std::string& name, const InternalKeyComparator& icmp,
           const std::function<void(std::string_view, std::string_view)>& add,
           SalvageReport* report)
      : file_(file), name_(name), icmp_(icmp), add_(add), report_(report) {}

  void Run() {
    Footer footer;
    uint64_t table_size = file_.size();
    bool have_footer =
        file_.size() >= Footer::kEncodedLength &&
        footer.DecodeFrom(file_.substr(file_.size() - Footer::kEncodedLength), name_).ok();
    if (!have_footer) {
      Damage(Status::Corruption(name_, file_.size() < Footer::kEncodedLength
                                           ? "too short to hold a table footer"
                                           : "no readable footer at the end of the file"),
             false);
      have_footer = FindLastFooter(file_, name_, &footer, &table_size);
      if (have_footer) {
        report_->trailing_bytes = file_.size() - table_size;
        first_error_is_trailing_ = true;
      }
    }
    if (have_footer) ReadProperties(footer, table_size);
    bool done = false;
    if (have_footer) done = WalkIndex(footer, table_size);
    if (!done) {
      report_->walked = true;
      const uint64_t data_end =
          !have_footer ? file_.size()
                       : (footer.filter_handle.size() > 0 ? footer.filter_handle.offset()
                                                          : footer.index_handle.offset());
      Walk(std::min<uint64_t>(data_end, file_.size()), !have_footer);
    }
    CloseGap(true);
  }

 private:
  // Damage met: entries between the last key kept and the next one may be lost.
  void Damage(const Status& s, bool loses_entries = true) {
    if (report_->first_error.ok() || first_error_is_trailing_) {
      report_->first_error = s;
      first_error_is_trailing_ = false;
    }
    if (loses_entries) gap_open_ = true;
  }

  // Records the open gap, up to `next` (the user key of the entry kept after it) or to
  // the end of the table.
  void CloseGap(bool at_end, std::string_view next = {}) {
    if (!gap_open_) return;
    gap_open_ = false;
    SalvageRange r;
    if (have_last_) {
      r.has_smallest = true;
      r.smallest = last_user_key_;
    } else if (!recorded_smallest_.empty()) {
      r.has_smallest = true;
      r.smallest = recorded_smallest_;
    }
    if (!at_end) {
      r.has_largest = true;
      r.largest.assign(next);
    } else if (!recorded_largest_.empty()) {
      r.has_largest = true;
      r.largest = recorded_largest_;
    }
    report_->lost_ranges.push_back(std::move(r));
  }

  void ReadProperties(const Footer& footer, uint64_t table_size) {
    BlockContents contents;
    Status s = CheckBlockHandle(name_, table_size, footer.properties_handle);
    if (s.ok()) {
      BlockHandle found;
      const BlockHandle& h = footer.properties_handle;
      if (!FindBlockAt(file_, h.offset(), h.offset() + h.size() + kBlockTrailerSize, h.size(),
                       &found) ||
          found.size() != h.size()) {
        s = BlockCorruption(name_, h.offset(), "properties block checksum mismatch");
      }
    }
    if (s.ok()) s = DecodeFoundBlock(file_, name_, footer.properties_handle, &contents);
    if (s.ok()) TakeProperties(contents.data);
  }

  bool TakeProperties(std::string_view contents) {
    TableProperties p;
    if (!p.DecodeFrom(contents).ok()) return false;
    report_->has_recorded_entries = true;
    report_->recorded_entries = p.num_entries;
    ParsedInternalKey parsed;
    if (ParseInternalKey(p.smallest_key, &parsed)) recorded_smallest_.assign(parsed.user_key);
    if (ParseInternalKey(p.largest_key, &parsed)) recorded_largest_.assign(parsed.user_key);
    return true;
  }

  // Reads the blocks the index names. False if the index cannot be read.
  bool WalkIndex(const Footer& footer, uint64_t table_size) {
    const BlockHandle& ih = footer.index_handle;
    BlockHandle found;
    if (!CheckBlockHandle(name_, table_size, ih).ok() ||
        !FindBlockAt(file_, ih.offset(), ih.offset() + ih.size() + kBlockTrailerSize, ih.size(),
                     &found) ||
        found.size() != ih.size()) {
      Damage(BlockCorruption(name_, ih.offset(), "index block unreadable"), false);
      return false;
    }
    BlockContents contents;
    if (!DecodeFoundBlock(file_, name_, ih, &contents).ok()) return false;
    Block index_block(std::move(contents));
    if (!index_block.ok()) {
      Damage(BlockCorruption(name_, ih.offset(), "malformed index block"), false);
      return false;
    }
    BlockIter index(&icmp_, &index_block, kInternalKeyTrailer);
    for (index.SeekToFirst(); index.Valid(); index.Next()) {
      report_->blocks++;
      BlockHandle handle;
      std::string_view v = index.value();
      Status s;
      if (!handle.DecodeFrom(&v)) {
        s = BlockCorruption(name_, ih.offset(), "malformed block handle in index");
      } else {
        s = CheckBlockHandle(name_, table_size, handle);
      }
      if (s.ok() &&
          (!FindBlockAt(file_, handle.offset(), handle.offset() + handle.size() + kBlockTrailerSize,
                        handle.size(), &found) ||
           found.size() != handle.size())) {
        s = BlockCorruption(name_, handle.offset(), "block checksum mismatch");
      }
      if (s.ok()) {
        ReadDataBlock(handle);
      } else {
        report_->bad_blocks++;
        Damage(s);
      }
    }
    if (!index.status().ok()) {
      Damage(BlockCorruption(name_, ih.offset(), index.status().message()));
    }
    return true;
  }

  // Walks the blocks of [0, end) by their trailers. When the footer is lost, the data
  // blocks end where a filter or index block is recognised; the properties block (which
  // follows them) is still looked for, for the recorded entry count.
  void Walk(uint64_t end, bool find_end) {
    uint64_t pos = 0;
    uint64_t budget = kResyncBudget;
    bool in_data = true;
    while (pos < end) {
      BlockHandle h;
      if (!FindBlockAt(file_, pos, end, end, &h)) {
        if (!in_data) return;
        report_->blocks++;
        report_->bad_blocks++;
        Damage(BlockCorruption(name_, pos, "no block with a matching checksum starts here"));
        if (!Resync(pos + 1, end, &budget, &h)) return;
      }
      pos = h.offset() + h.size() + kBlockTrailerSize;
      BlockContents contents;
      Status s = DecodeFoundBlock(file_, name_, h, &contents);
      if (!s.ok()) {
        if (in_data) {
          report_->blocks++;
          report_->bad_blocks++;
          Damage(s);
        }
        continue;
      }
      if (find_end) {
        if (TakeProperties(contents.data)) return;
        if (LooksLikeFilterBlock(contents.data)) in_data = false;
      }
      if (!in_data) continue;
      largest_block_ = std::max(largest_block_, h.size());
      if (h.offset() == 0) first_block_ = h;
      if (static_cast<uint8_t>(file_[pos - kBlockTrailerSize]) != 0) all_uncompressed_ = false;
      Block block(std::move(contents));
      if (find_end && h.offset() > 0 && LooksLikeIndex(block)) {
        in_data = false;
        continue;
      }
      report_->blocks++;
      ReadEntries(block, h);
    }
  }

  // The next block start after damage at from - 1. An uncompressed data block starts
  // with an entry whose shared prefix is 0, so while every block found was stored
  // uncompressed, only offsets holding a zero byte are tried.
  bool Resync(uint64_t from, uint64_t end, uint64_t* budget, BlockHandle* h) {
    const uint64_t max_size = std::max(kMinResyncBlock, 2 * largest_block_);
    for (uint64_t s = from; s<end&& * budget> 0; s++) {
      if (all_uncompressed_ && largest_block_ > 0 && file_[s] != 0) continue;
      const uint64_t work = std::min(max_size, end - s);
      *budget = *budget > work ? *budget - work : 0;
      if (FindBlockAt(file_, s, end, max_size, h)) return true;
    }
    return false;
  }

  // An index block: every value is exactly a block handle, the first naming block 0.
  bool LooksLikeIndex(const Block& block) const {
    if (!block.ok() || first_block_.size() == 0) return false;
    BlockIter it(&icmp_, &block, kInternalKeyTrailer);
    bool first = true;
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      BlockHandle handle;
      std::string_view v = it.value();
      if (!handle.DecodeFrom(&v) || !v.empty()) return false;
      if (first && (handle.offset() != 0 || handle.size() != first_block_.size())) return false;
      first = false;
    }
    return !first && it.status().ok();
  }

  void ReadDataBlock(const BlockHandle& handle) {
    BlockContents contents;
    Status s = DecodeFoundBlock(file_, name_, handle, &contents);
    if (!s.ok()) {
      report_->bad_blocks++;
      Damage(s);
      return;
    }
    Block block(std::move(contents));
    ReadEntries(block, handle);
  }

  void ReadEntries(const Block& block, const BlockHandle& handle) {
    if (!block.ok()) {
      report_->bad_blocks++;
      Damage(BlockCorruption(name_, handle.offset(), "malformed data block"));
      return;
    }
    BlockIter data(&icmp_, &block, kInternalKeyTrailer);
    for (data.SeekToFirst(); data.Valid(); data.Next()) {
      ParsedInternalKey parsed;
      if (!ParseInternalKey(data.key(), &parsed) || parsed.sequence >= kMaxSequenceNumber ||
          (!last_key_.empty() && icmp_.Compare(last_key_, data.key()) >= 0)) {
        report_->dropped_entries++;
        Damage(BlockCorruption(name_, handle.offset(), "bad or out-of-order key"));
        continue;
      }
      CloseGap(false, parsed.user_key);
      last_key_.assign(data.key());
      last_user_key_.assign(parsed.user_key);
      have_last_ = true;
      report_->entries++;
      add_(data.key(), data.value());
    }
    if (!data.status().ok()) {
      report_->bad_blocks++;
      Damage(BlockCorruption(name_, handle.offset(), data.status().message()));
    }
  }

  const std::string_view file_;
  const std::string& name_;
  const InternalKeyComparator& icmp_;
  const std::function<void(std::string_view, std::string_view)>& add_;
  SalvageReport* const report_;

  std::string last_key_;  // the last key passed to add; empty before the first
  std::string last_user_key_;
  bool have_last_ = false;
  bool gap_open_ = false;
  bool first_error_is_trailing_ = false;  // first_error only says the footer was not at the end
  std::string recorded_smallest_, recorded_largest_;  // user keys, from the properties
  uint64_t largest_block_ = 0;
  bool all_uncompressed_ = true;
  BlockHandle first_block_{0, 0};
};

}  // namespace

Status SalvageTable(const RandomAccessFile* file, const std::string& file_name, uint64_t file_size,
                    const InternalKeyComparator& icmp,
                    const std::function<void(std::string_view, std::string_view)>& add,
                    SalvageReport* report) {
  *report = SalvageReport();
  auto buf = std::make_unique_for_overwrite<char[]>(file_size);
  std::string_view got;
  Status s = file->Read(0, file_size, &got, buf.get());
  if (!s.ok()) return s;
  Salvager(got, file_name, icmp, add, report).Run();
  return Status::OK();
}

}  // namespace lsmdb
