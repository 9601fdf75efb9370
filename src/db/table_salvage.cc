#include "db/table_salvage.h"

#include "sstable/block.h"
#include "sstable/format.h"

namespace lsmdb {

Status SalvageTable(const RandomAccessFile* file, const std::string& file_name, uint64_t file_size,
                    const InternalKeyComparator& icmp,
                    const std::function<void(std::string_view, std::string_view)>& add,
                    SalvageReport* report) {
  *report = SalvageReport();
  if (file_size < Footer::kEncodedLength) {
    return Status::Corruption(file_name, "too short to be a table");
  }
  char footer_buf[Footer::kEncodedLength];
  std::string_view got;
  Status s =
      file->Read(file_size - Footer::kEncodedLength, Footer::kEncodedLength, &got, footer_buf);
  if (!s.ok()) return s;
  Footer footer;
  s = footer.DecodeFrom(got, file_name);
  if (!s.ok()) return s;
  BlockContents index_contents;
  s = ReadBlock(file, file_name, file_size, footer.index_handle, true, &index_contents);
  if (!s.ok()) return s;
  Block index_block(std::move(index_contents));
  if (!index_block.ok()) {
    return BlockCorruption(file_name, footer.index_handle.offset(), "malformed index block");
  }

  auto note = [report](const Status& damage) {
    if (report->first_error.ok()) report->first_error = damage;
  };
  std::string last_key;  // the last key passed to add; empty before the first
  BlockIter index(&icmp, &index_block, kInternalKeyTrailer);
  BlockIter data;
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    report->blocks++;
    BlockHandle handle;
    std::string_view v = index.value();
    if (!handle.DecodeFrom(&v)) {
      report->bad_blocks++;
      note(BlockCorruption(file_name, footer.index_handle.offset(),
                           "malformed block handle in index"));
      continue;
    }
    BlockContents contents;
    s = ReadBlock(file, file_name, file_size, handle, true, &contents);
    if (!s.ok()) {
      if (!s.IsCorruption()) return s;  // an I/O error is not damage to work around
      report->bad_blocks++;
      note(s);
      continue;
    }
    Block block(std::move(contents));
    if (!block.ok()) {
      report->bad_blocks++;
      note(BlockCorruption(file_name, handle.offset(), "malformed data block"));
      continue;
    }
    data.Init(&icmp, &block, kInternalKeyTrailer);
    for (data.SeekToFirst(); data.Valid(); data.Next()) {
      ParsedInternalKey parsed;
      if (!ParseInternalKey(data.key(), &parsed) ||
          (!last_key.empty() && icmp.Compare(last_key, data.key()) >= 0)) {
        report->dropped_entries++;
        note(BlockCorruption(file_name, handle.offset(), "bad or out-of-order key"));
        continue;
      }
      last_key.assign(data.key());
      report->entries++;
      add(data.key(), data.value());
    }
    if (!data.status().ok()) {
      report->bad_blocks++;
      note(BlockCorruption(file_name, handle.offset(), data.status().message()));
    }
  }
  if (!index.status().ok()) {
    note(BlockCorruption(file_name, footer.index_handle.offset(), index.status().message()));
  }
  return Status::OK();
}

}  // namespace lsmdb
