#include "version/filename.h"

#include <cinttypes>
#include <cstdio>

#include "io/file_util.h"

namespace lsmdb {
namespace {

std::string NumberedName(const std::string& dbname, uint64_t number, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "/%06" PRIu64 ".%s", number, suffix);
  return dbname + buf;
}

// Parses a decimal number that fills all of s. false on overflow or a non-digit.
bool ParseNumber(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

std::string LogFileName(const std::string& dbname, uint64_t number) {
  return NumberedName(dbname, number, "log");
}
std::string TableFileName(const std::string& dbname, uint64_t number) {
  return NumberedName(dbname, number, "sst");
}
std::string TempFileName(const std::string& dbname, uint64_t number) {
  return NumberedName(dbname, number, "dbtmp");
}
std::string ManifestFileName(const std::string& dbname, uint64_t number) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "/MANIFEST-%06" PRIu64, number);
  return dbname + buf;
}
std::string CurrentFileName(const std::string& dbname) { return dbname + "/CURRENT"; }
std::string LockFileName(const std::string& dbname) { return dbname + "/LOCK"; }
std::string InfoLogFileName(const std::string& dbname) { return dbname + "/LOG"; }
std::string OldInfoLogFileName(const std::string& dbname) { return dbname + "/LOG.old"; }

bool ParseFileName(std::string_view name, uint64_t* number, FileType* type) {
  if (name == "CURRENT") {
    *number = 0;
    *type = FileType::kCurrentFile;
  } else if (name == "LOCK") {
    *number = 0;
    *type = FileType::kLockFile;
  } else if (name == "LOG" || name == "LOG.old") {
    *number = 0;
    *type = FileType::kInfoLogFile;
  } else if (name.starts_with("MANIFEST-")) {
    if (!ParseNumber(name.substr(9), number)) return false;
    *type = FileType::kDescriptorFile;
  } else {
    size_t dot = name.find('.');
    if (dot == std::string_view::npos || !ParseNumber(name.substr(0, dot), number)) {
      return false;
    }
    std::string_view suffix = name.substr(dot + 1);
    if (suffix == "log") {
      *type = FileType::kLogFile;
    } else if (suffix == "sst") {
      *type = FileType::kTableFile;
    } else if (suffix == "dbtmp") {
      *type = FileType::kTempFile;
    } else {
      return false;
    }
  }
  return true;
}

Status SetCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t manifest_number) {
  std::string manifest = ManifestFileName(dbname, manifest_number);
  std::string contents = manifest.substr(dbname.size() + 1) + "\n";
  std::string tmp = TempFileName(dbname, manifest_number);
  Status s = WriteStringToFile(fs, contents, tmp, /*sync=*/true);
  if (s.ok()) s = fs->RenameFile(tmp, CurrentFileName(dbname));
  if (s.ok()) s = fs->SyncDir(dbname);
  if (!s.ok()) fs->RemoveFile(tmp).PermitUncheckedError();
  return s;
}

}  // namespace lsmdb
