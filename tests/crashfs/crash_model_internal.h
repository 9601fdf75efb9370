// The nodes of crashfs's Model (crash_model.h), shared by crash_model.cc and
// crash_loss.cc. Not for use outside them.
#ifndef LSMDB_TESTS_CRASHFS_CRASH_MODEL_INTERNAL_H_
#define LSMDB_TESTS_CRASHFS_CRASH_MODEL_INTERNAL_H_

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/crashfs/crash_model.h"

namespace crashfs {

struct Model::Node {
  Node(uint64_t i, bool d, mode_t m, std::string n) : ino(i), is_dir(d), mode(m), name(n) {
    clock_gettime(CLOCK_REALTIME, &mtime);
  }
  virtual ~Node() = default;
  const uint64_t ino;
  const bool is_dir;
  mode_t mode;
  std::string name;  // the last name it was given (what faults match)
  struct timespec mtime;
};

// One change to a file since its last sync.
struct Change {
  enum Kind { kWrite, kTruncate, kFallocate } kind;
  uint64_t offset = 0;  // kWrite, kFallocate; kTruncate: the new size
  uint64_t length = 0;  // kFallocate
  int mode = 0;         // kFallocate
  std::string data;     // kWrite
};

struct Model::File : Node {
  File(uint64_t i, mode_t m, std::string n, std::string path, int f)
      : Node(i, false, m, std::move(n)), backing(std::move(path)), fd(f) {}
  ~File() override {
    ::close(fd);
    ::unlink(backing.c_str());
  }
  uint64_t Size() const {
    struct stat st;
    return ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  }
  const std::string backing;
  const int fd;
  uint64_t durable_size = 0;
  std::map<uint64_t, std::string> pre_images;  // page -> its durable bytes
  std::vector<Change> changes;
};

// One atomic change of a directory's entries: name -> node, or name removed (null).
using DirChange = std::vector<std::pair<std::string, std::shared_ptr<Model::Node>>>;

struct Model::Dir : Node {
  Dir(uint64_t i, mode_t m, std::string n) : Node(i, true, m, std::move(n)) {}
  void Apply(const DirChange& c) {
    for (const auto& [entry, node] : c) {
      if (node) {
        live[entry] = node;
      } else {
        live.erase(entry);
      }
    }
  }
  void Record(DirChange c) {
    Apply(c);
    changes.push_back(std::move(c));
  }
  std::map<std::string, std::shared_ptr<Node>> live, durable;
  std::vector<DirChange> changes;
};

}  // namespace crashfs

#endif  // LSMDB_TESTS_CRASHFS_CRASH_MODEL_INTERNAL_H_
