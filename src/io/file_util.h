// Small helpers over a FileSystem: whole-file reads and writes, joined paths.
#ifndef LSMDB_IO_FILE_UTIL_H_
#define LSMDB_IO_FILE_UTIL_H_

#include <string>
#include <string_view>

#include "lsmdb/file_system.h"

namespace lsmdb {

// Reads the whole file. NotFound if it does not exist.
Status ReadFileToString(FileSystem* fs, const std::string& path, std::string* data);
// Creates (or truncates) path with data; with sync, fsyncs it before closing.
Status WriteStringToFile(FileSystem* fs, std::string_view data, const std::string& path, bool sync);

}  // namespace lsmdb

#endif  // LSMDB_IO_FILE_UTIL_H_
