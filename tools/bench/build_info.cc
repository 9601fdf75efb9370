#include "build_info.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

namespace lsmdb::bench {
namespace {

template <typename T>
bool ReadAt(const std::vector<char>& file, uint64_t offset, T* out) {
  if (offset > file.size() || file.size() - offset < sizeof(T)) return false;
  std::copy_n(file.data() + offset, sizeof(T), reinterpret_cast<char*>(out));
  return true;
}

}  // namespace

int ImportsSymbol(const std::string& path, const std::string& symbol) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return -1;
  const std::vector<char> file((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  Elf64_Ehdr eh;
  if (!ReadAt(file, 0, &eh) ||
      std::string_view(reinterpret_cast<const char*>(eh.e_ident), 4) !=
          std::string_view(ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return -1;
  }
  for (uint16_t i = 0; i < eh.e_shnum; i++) {
    Elf64_Shdr sh;
    if (!ReadAt(file, eh.e_shoff + uint64_t{i} * eh.e_shentsize, &sh)) return -1;
    if (sh.sh_type != SHT_DYNSYM || sh.sh_entsize == 0) continue;
    Elf64_Shdr strtab;
    if (!ReadAt(file, eh.e_shoff + uint64_t{sh.sh_link} * eh.e_shentsize, &strtab)) return -1;
    for (uint64_t off = 0; off + sh.sh_entsize <= sh.sh_size; off += sh.sh_entsize) {
      Elf64_Sym sym;
      if (!ReadAt(file, sh.sh_offset + off, &sym)) return -1;
      if (sym.st_shndx != SHN_UNDEF || sym.st_name >= strtab.sh_size) continue;
      const uint64_t name = strtab.sh_offset + sym.st_name;
      if (name >= file.size()) return -1;
      const char* begin = file.data() + name;
      const size_t max = file.size() - name;
      if (std::string_view(begin, strnlen(begin, max)) == symbol) return 1;
    }
    return 0;
  }
  return -1;
}

LibraryBuild FindLoadedLibrary(const std::string& stem) {
  struct Search {
    const std::string* stem;
    std::string path;
  } search{&stem, {}};
  dl_iterate_phdr(
      [](struct dl_phdr_info* info, size_t, void* arg) {
        auto* s = static_cast<Search*>(arg);
        const std::string_view name = info->dlpi_name == nullptr ? "" : info->dlpi_name;
        const size_t slash = name.rfind('/');
        const std::string_view file =
            slash == std::string_view::npos ? name : name.substr(slash + 1);
        if (file.substr(0, s->stem->size()) != *s->stem) return 0;
        s->path = std::string(name);
        return 1;
      },
      &search);
  LibraryBuild b;
  b.path = search.path;
  if (b.path.empty()) return b;
  const int imports = ImportsSymbol(b.path, "__assert_fail");
  if (imports >= 0) b.kind = imports == 1 ? BuildKind::kAssertions : BuildKind::kRelease;
  return b;
}

const char* BuildKindName(BuildKind kind) {
  switch (kind) {
    case BuildKind::kRelease:
      return "release";
    case BuildKind::kAssertions:
      return "assertions on";
    case BuildKind::kUnknown:
      break;
  }
  return "unknown";
}

std::string DescribeBuild(const std::string& what, const LibraryBuild& b) {
  return what + ", " + BuildKindName(b.kind) + ", " + (b.path.empty() ? "?" : b.path);
}

}  // namespace lsmdb::bench
