// Names of the files in a database directory (docs/DESIGN.md §3). Every <n> comes from one
// counter, the next file number kept in the MANIFEST.
//
//   CURRENT          the name of the live MANIFEST, one line
//   MANIFEST-<n>     VersionEdit records (docs/format/manifest.md)
//   <n>.log          a write-ahead log (docs/format/wal.md)
//   <n>.sst          a table (docs/format/sstable.md)
//   <n>.dbtmp        a temporary file (CURRENT being replaced)
//   LOCK, LOG, LOG.old
#ifndef LSMDB_VERSION_FILENAME_H_
#define LSMDB_VERSION_FILENAME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsmdb/file_system.h"

namespace lsmdb {

enum class FileType : uint8_t {
  kLogFile,
  kTableFile,
  kDescriptorFile,  // MANIFEST
  kCurrentFile,
  kTempFile,
  kLockFile,
  kInfoLogFile,
};

std::string LogFileName(const std::string& dbname, uint64_t number);
std::string TableFileName(const std::string& dbname, uint64_t number);
std::string ManifestFileName(const std::string& dbname, uint64_t number);
std::string CurrentFileName(const std::string& dbname);
std::string LockFileName(const std::string& dbname);
std::string TempFileName(const std::string& dbname, uint64_t number);
std::string InfoLogFileName(const std::string& dbname);
std::string OldInfoLogFileName(const std::string& dbname);

// Parses a name (not a path) in a database directory. false for a foreign name.
bool ParseFileName(std::string_view name, uint64_t* number, FileType* type);

// Points CURRENT at MANIFEST-<manifest_number>: writes a temporary file, syncs it,
// renames it over CURRENT and syncs the directory, so that a crash leaves either the old
// or the new CURRENT, never a torn one.
Status SetCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t manifest_number);

}  // namespace lsmdb

#endif  // LSMDB_VERSION_FILENAME_H_
