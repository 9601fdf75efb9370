// Engine options on the command line: `--compression zstd`, `--write_buffer_size 8M`,
// `--create_if_missing` (docs/CLI.md, "Engine options").
//
// A name may be written with '_' or '-'. Sizes take a K, M or G suffix (powers of 1024).
// Flags take no value, or =true / =false. DB::Open checks the ranges, so a value out of
// range is reported by the engine, naming the field.
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_TOOLS_LSMDB_ENGINE_OPTIONS_H_
#define LSMDB_TOOLS_LSMDB_ENGINE_OPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/options.h"

namespace lsmdb::cli {

// True if name (without "--", '-' or '_' between words) is an engine option.
bool IsEngineOption(std::string_view name);
// True if the engine option takes a value (false for a flag).
bool EngineOptionTakesValue(std::string_view name);
// Sets the engine option name (REQUIRES: IsEngineOption(name)) from value (null for a
// flag given without one). Returns false, with a reason in *error, for a bad value.
bool SetEngineOption(std::string_view name, const std::string* value, Options* options,
                     std::string* error);
// The names, as documented ("write_buffer_size"), for "did you mean" and help.
std::vector<std::string_view> EngineOptionNames();
// Lines for `lsmdb --help`.
std::string EngineOptionHelp();

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_ENGINE_OPTIONS_H_
