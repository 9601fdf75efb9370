// `lsmdb dump sst FILE`: a table file (docs/format/sstable.md) piece by piece: footer,
// properties, index, then every entry of every data block. Each block is read and
// checked on its own, so a damaged block is reported and the dump goes on with the next.
#include <memory>
#include <vector>

#include "dump.h"
#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "sstable/block.h"
#include "sstable/compression.h"
#include "sstable/format.h"
#include "sstable/table_properties.h"
#include "util/internal_key.h"

namespace lsmdb::cli {
namespace {

struct TableDump {
  const std::string& path;
  const DumpOptions& options;
  FILE* out;
  const RandomAccessFile* file;
  uint64_t size;
  Status first_error;

  bool json() const { return options.json; }

  void Damage(const Status& s, std::string_view what) {
    DumpLine(json(), "damage").Text(what).Text(": ").Str("error", s.ToString()).Print(out);
    if (first_error.ok()) first_error = s;
  }

  void Handle(DumpLine* line, std::string_view name, const BlockHandle& h) {
    if (json()) {
      line->Json(name, "{\"offset\": " + std::to_string(h.offset()) +
                           ", \"size\": " + std::to_string(h.size()) + "}");
    } else {
      line->Text(name).Text(" at ").Num("", h.offset()).Text(" (").Num("", h.size());
      line->Text(" bytes)");
    }
  }

  void PrintFooter(const Footer& footer) {
    DumpLine line(json(), "footer");
    line.Text("footer: ");
    Handle(&line, "index", footer.index_handle);
    line.Text(", ");
    if (footer.filter_handle.size() > 0) {
      Handle(&line, "filter", footer.filter_handle);
    } else {
      line.Text("no filter");
    }
    line.Text(", ");
    Handle(&line, "properties", footer.properties_handle);
    line.Text(", format version ").Num("format_version", footer.format_version).Print(out);
  }

  void PrintProperties(const Footer& footer) {
    BlockContents contents;
    Status s = ReadBlock(file, path, size, footer.properties_handle, true, &contents);
    TableProperties p;
    if (s.ok()) s = p.DecodeFrom(contents.data);
    if (!s.ok()) {
      Damage(s, "properties");
      return;
    }
    if (!json()) {
      std::fprintf(out, "properties:\n");
      std::string text = p.ToString();
      for (size_t start = 0; start < text.size();) {
        const size_t end = text.find('\n', start);
        std::fprintf(out, "  %s\n", text.substr(start, end - start).c_str());
        start = end == std::string::npos ? text.size() : end + 1;
      }
      std::fprintf(out, "  smallest_key: %s\n  largest_key: %s\n",
                   p.num_entries > 0 ? InternalKeyText(p.smallest_key).c_str() : "-",
                   p.num_entries > 0 ? InternalKeyText(p.largest_key).c_str() : "-");
      return;
    }
    DumpLine line(true, "properties");
    line.Num("num_entries", p.num_entries)
        .Num("num_deletions", p.num_deletions)
        .Num("raw_key_bytes", p.raw_key_bytes)
        .Num("raw_value_bytes", p.raw_value_bytes)
        .Num("data_bytes", p.data_bytes)
        .Num("index_bytes", p.index_bytes)
        .Num("filter_bytes", p.filter_bytes)
        .Num("num_data_blocks", p.num_data_blocks)
        .Num("smallest_seq", p.smallest_seq)
        .Num("largest_seq", p.largest_seq)
        .Num("creation_time", p.creation_time)
        .Str("compression", CompressionTypeName(p.compression))
        .Num("format_version", p.format_version);
    if (p.num_entries > 0) {
      line.Json("smallest_key", InternalKeyJson(p.smallest_key));
      line.Json("largest_key", InternalKeyJson(p.largest_key));
    }
    line.Print(out);
  }

  // Prints the index entries and returns the data blocks' handles.
  bool PrintIndex(const Footer& footer, const Comparator* icmp, std::vector<BlockHandle>* blocks) {
    BlockContents contents;
    Status s = ReadBlock(file, path, size, footer.index_handle, true, &contents);
    if (!s.ok()) {
      Damage(s, "index");
      return false;
    }
    Block index(std::move(contents));
    BlockIter it(icmp, &index, kInternalKeyTrailer);
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      BlockHandle h;
      std::string_view v = it.value();
      if (!h.DecodeFrom(&v)) {
        Damage(BlockCorruption(path, footer.index_handle.offset(), "malformed block handle"),
               "index");
        continue;
      }
      DumpLine line(json(), "index");
      line.Text("index: block ").Num("block", blocks->size()).Text(" ");
      Handle(&line, "data", h);
      if (json()) {
        line.Json("separator", InternalKeyJson(it.key()));
      } else {
        line.Text(", keys up to ").Text(InternalKeyText(it.key()));
      }
      line.Print(out);
      blocks->push_back(h);
    }
    if (!it.status().ok()) {
      Damage(BlockCorruption(path, footer.index_handle.offset(), it.status().message()), "index");
    }
    return true;
  }

  void PrintEntries(const std::vector<BlockHandle>& blocks, const Comparator* icmp) {
    uint64_t printed = 0, damaged = 0;
    bool truncated = false;
    for (size_t i = 0; i < blocks.size() && !truncated; i++) {
      BlockContents contents;
      Status s = ReadBlock(file, path, size, blocks[i], true, &contents);
      if (!s.ok()) {
        damaged++;
        Damage(s, "block " + std::to_string(i));
        continue;
      }
      Block block(std::move(contents));
      BlockIter it(icmp, &block, kInternalKeyTrailer);
      for (it.SeekToFirst(); it.Valid(); it.Next()) {
        if (printed >= options.max_entries) {
          truncated = true;
          break;
        }
        printed++;
        DumpLine line(json(), "entry");
        if (json()) {
          line.Json("key", InternalKeyJson(it.key())).Str("value", it.value());
        } else {
          line.Text("  ").Text(InternalKeyText(it.key()));
          ParsedInternalKey parsed;
          if (!ParseInternalKey(it.key(), &parsed) || parsed.type != ValueType::kDeletion) {
            line.Text(" => ").Str("value", it.value());
          }
        }
        line.Print(out);
      }
      if (!it.status().ok()) {
        damaged++;
        Damage(BlockCorruption(path, blocks[i].offset(), it.status().message()),
               "block " + std::to_string(i));
      }
    }
    DumpLine(json(), "summary")
        .Text("total: ")
        .Num("entries", printed)
        .Text(" entries printed, ")
        .Num("blocks", blocks.size())
        .Text(" data blocks, ")
        .Num("damaged_blocks", damaged)
        .Text(" damaged")
        .Bool("truncated", truncated)
        .Text(truncated ? " (stopped at --entries)" : "")
        .Print(out);
  }
};

}  // namespace

Status DumpTable(const std::string& path, const DumpOptions& options, FILE* out) {
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  uint64_t size = 0;
  std::unique_ptr<RandomAccessFile> file;
  Status s = fs->GetFileSize(path, &size);
  if (s.ok()) s = fs->NewRandomAccessFile(path, &file);
  if (!s.ok()) return s;
  DumpLine(options.json, "file")
      .Text("file ")
      .Str("name", path)
      .Text(": table, ")
      .Num("bytes", size)
      .Text(" bytes")
      .Print(out);

  TableDump dump{path, options, out, file.get(), size, Status::OK()};
  if (size < Footer::kEncodedLength) {
    dump.Damage(Status::Corruption(path, "too short to be a table"), "footer");
    return dump.first_error;
  }
  char buf[Footer::kEncodedLength];
  std::string_view got;
  s = file->Read(size - Footer::kEncodedLength, Footer::kEncodedLength, &got, buf);
  if (!s.ok()) return s;
  Footer footer;
  s = footer.DecodeFrom(got, path);
  if (!s.ok()) {
    dump.Damage(s, "footer");
    return dump.first_error;
  }
  dump.PrintFooter(footer);
  dump.PrintProperties(footer);
  const InternalKeyComparator icmp(BytewiseComparator());
  std::vector<BlockHandle> blocks;
  if (dump.PrintIndex(footer, &icmp, &blocks)) dump.PrintEntries(blocks, &icmp);
  return dump.first_error;
}

}  // namespace lsmdb::cli
