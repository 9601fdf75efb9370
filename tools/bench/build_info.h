// Which build of a store's library lsmdb_bench has loaded: its file and whether it was
// built with assertions (Debian's libleveldb and librocksdb are; the release anchors of
// scripts/bench_anchors.sh are not, and LD_LIBRARY_PATH swaps them in).
//
// Thread-safety: the functions are safe to call from any thread.
#ifndef LSMDB_TOOLS_BENCH_BUILD_INFO_H_
#define LSMDB_TOOLS_BENCH_BUILD_INFO_H_

#include <string>

namespace lsmdb::bench {

enum class BuildKind { kUnknown, kRelease, kAssertions };

struct LibraryBuild {
  std::string path;  // the loaded file (empty if not found)
  BuildKind kind = BuildKind::kUnknown;
};

// The first loaded shared object whose file name starts with stem ("librocksdb.so"), as
// the dynamic linker found it (so LD_LIBRARY_PATH shows). Empty path if none is loaded.
LibraryBuild FindLoadedLibrary(const std::string& stem);

// Whether the ELF shared object at path imports symbol (an undefined dynamic symbol):
// 1 if it does, 0 if not, -1 when the file cannot be read as 64-bit ELF.
int ImportsSymbol(const std::string& path, const std::string& symbol);

// "release" (the library does not import __assert_fail), "assertions on", or "unknown".
const char* BuildKindName(BuildKind kind);

// "<what>, <kind>, <path>" for a section header.
std::string DescribeBuild(const std::string& what, const LibraryBuild& b);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_BUILD_INFO_H_
