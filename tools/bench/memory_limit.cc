#include "memory_limit.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lsmdb::bench {
namespace {

namespace fs = std::filesystem;

bool WriteFile(const std::string& path, const std::string& value, std::string* error) {
  std::ofstream out(path);
  out << value;
  out.flush();
  if (out) return true;
  *error = "cannot write '" + value + "' to " + path + ": " + std::strerror(errno);
  return false;
}

uint64_t ReadNumber(const std::string& path) {
  std::ifstream in(path);
  uint64_t v = 0;
  return (in >> v) ? v : 0;
}

// The directory of this process's memory cgroup: v1's "memory" controller line of
// /proc/self/cgroup under /sys/fs/cgroup/memory, or v2's "0::" line under /sys/fs/cgroup.
bool OwnCgroup(std::string* dir, bool* v2, std::string* error) {
  std::ifstream in("/proc/self/cgroup");
  std::string line, v1_path, v2_path;
  bool have_v2 = false;
  while (std::getline(in, line)) {
    const size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::stringstream controllers(line.substr(a + 1, b - a - 1));
    std::string c;
    while (std::getline(controllers, c, ',')) {
      if (c == "memory") v1_path = line.substr(b + 1);
    }
    if (line.compare(0, 3, "0::") == 0) {
      v2_path = line.substr(b + 1);
      have_v2 = true;
    }
  }
  if (!v1_path.empty() && fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    *dir = "/sys/fs/cgroup/memory" + v1_path;
    *v2 = false;
  } else if (have_v2 && fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
    *dir = "/sys/fs/cgroup" + v2_path;
    *v2 = true;
  } else {
    *error = "no memory cgroup controller (neither v1 /sys/fs/cgroup/memory nor v2)";
    return false;
  }
  if (!fs::is_directory(*dir)) {
    *error = "the process's cgroup " + *dir + " is not visible here";
    return false;
  }
  return true;
}

}  // namespace

bool MemoryCgroup::Enter(const std::string& name, uint64_t limit_bytes, std::string* error) {
  if (!dir_.empty()) Leave();
  std::string parent;
  if (!OwnCgroup(&parent, &v2_, error)) return false;
  const std::string dir = parent + "/" + name;
  std::error_code ec;
  if (!fs::create_directory(dir, ec) && ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  // v2: a child gets the memory controller only if the parent hands it down.
  if (v2_ && !fs::exists(dir + "/memory.max")) {
    std::string ignored;
    WriteFile(parent + "/cgroup.subtree_control", "+memory", &ignored);
  }
  const std::string limit_file = v2_ ? "/memory.max" : "/memory.limit_in_bytes";
  const std::string pid = std::to_string(::getpid());
  if (v2_ && fs::exists(dir + "/memory.swap.max")) {
    std::string ignored;
    WriteFile(dir + "/memory.swap.max", "0", &ignored);  // the limit is on memory, not swap
  }
  if (!WriteFile(dir + limit_file, std::to_string(limit_bytes), error) ||
      !WriteFile(dir + "/cgroup.procs", pid, error)) {
    fs::remove(dir, ec);
    return false;
  }
  parent_ = parent;
  dir_ = dir;
  return true;
}

void MemoryCgroup::Leave() {
  if (dir_.empty()) return;
  std::string ignored;
  WriteFile(parent_ + "/cgroup.procs", std::to_string(::getpid()), &ignored);
  std::error_code ec;
  fs::remove(dir_, ec);  // rmdir; the charges move to the parent
  dir_.clear();
}

uint64_t MemoryCgroup::PeakBytes() const {
  if (dir_.empty()) return 0;
  return ReadNumber(dir_ + (v2_ ? "/memory.peak" : "/memory.max_usage_in_bytes"));
}

bool DropPageCache(std::string* error) {
  ::sync();
  return WriteFile("/proc/sys/vm/drop_caches", "1", error);
}

uint64_t ProcessIoBytes(const char* key) {
  std::ifstream in("/proc/self/io");
  const std::string want = std::string(key) + ":";
  std::string k;
  uint64_t value = 0;
  while (in >> k >> value) {
    if (k == want) return value;
  }
  return 0;
}

}  // namespace lsmdb::bench
