// Validation of Options (DB::Open rejects a bad value instead of clamping it).
#ifndef LSMDB_DB_OPTIONS_CHECK_H_
#define LSMDB_DB_OPTIONS_CHECK_H_

#include "lsmdb/options.h"
#include "lsmdb/status.h"

namespace lsmdb {

// OK, or InvalidArgument naming the first bad field and its allowed range.
Status ValidateOptions(const Options& options);

// A copy of options with comparator and file_system filled in with their defaults.
Options SanitizeOptions(const Options& options);

}  // namespace lsmdb

#endif  // LSMDB_DB_OPTIONS_CHECK_H_
