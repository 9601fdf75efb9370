// Bulk loading and exporting of records (`lsmdb load`, `lsmdb export`).
//
// Two line formats (docs/CLI.md): tsv, KEY<TAB>VALUE with the escapes of escape.h, and
// jsonl, the objects of json_lines.h. Export writes every entry in key order; loading
// its output into an empty database and exporting again gives the same bytes.
//
// Thread-safety: the functions use the DB (which is thread-safe) and their own streams.
#ifndef LSMDB_TOOLS_LSMDB_LOAD_EXPORT_H_
#define LSMDB_TOOLS_LSMDB_LOAD_EXPORT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "lsmdb/db.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"

namespace lsmdb::cli {

enum class RecordFormat { kTsv, kJsonl };

// Parses "tsv" or "jsonl". Returns false for anything else.
bool ParseRecordFormat(std::string_view name, RecordFormat* format);

// Bytes of updates gathered in a WriteBatch before it is written.
inline constexpr size_t kLoadBatchBytes = size_t{1} << 20;

// Reads records from in (named input_name in messages) and writes them to db in atomic
// batches of about kLoadBatchBytes. Empty lines (and, for tsv, a "\r" before the newline)
// are skipped. A bad line stops the load before the batch holding it is written, with
// InvalidArgument "input_name:LINE: reason"; batches written before stay. A read error of
// in is an IOError. *records receives the number of records written, *lines the number
// of input lines whose records were all written (the records after that line were not).
// REQUIRES: db, in, records and lines are not null.
Status LoadRecords(DB* db, FILE* in, const std::string& input_name, RecordFormat format,
                   uint64_t* records, uint64_t* lines);

// Writes every entry visible to read_options, in key order, to out (named output_name in
// messages). Errors: the iterator's status, or an IOError if out cannot be written.
// *records receives the number of records written.
// REQUIRES: db, out and records are not null.
Status ExportRecords(DB* db, const ReadOptions& read_options, FILE* out,
                     const std::string& output_name, RecordFormat format, uint64_t* records);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_LOAD_EXPORT_H_
