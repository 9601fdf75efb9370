// Model::PowerLoss and Model::SyncAll: turning the live state into what a power loss (or
// a clean unmount) leaves. crash_model.cc holds the operations that track it.
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "tests/crashfs/crash_model_internal.h"

namespace crashfs {
namespace {

bool Coin(std::mt19937_64* rnd) { return ((*rnd)() & 1) != 0; }
uint64_t UpTo(std::mt19937_64* rnd, uint64_t n) {  // uniform in [0, n]
  return std::uniform_int_distribution<uint64_t>(0, n)(*rnd);
}

void Replay(int fd, const Change& c, size_t length) {
  switch (c.kind) {
    case Change::kWrite:
      (void)!::pwrite(fd, c.data.data(), length, static_cast<off_t>(c.offset));
      break;
    case Change::kTruncate:
      (void)!::ftruncate(fd, static_cast<off_t>(c.offset));
      break;
    case Change::kFallocate:
      (void)!::fallocate(fd, c.mode, static_cast<off_t>(c.offset), static_cast<off_t>(c.length));
      break;
  }
}

}  // namespace

void Model::Revert(File* f) {
  for (const auto& [page, bytes] : f->pre_images) {
    (void)!::pwrite(f->fd, bytes.data(), bytes.size(), static_cast<off_t>(page * kPageSize));
  }
  (void)!::ftruncate(f->fd, static_cast<off_t>(f->durable_size));
}

void Model::LoseFile(File* f, LossMode mode, std::mt19937_64* rnd, LossReport* r) {
  const size_t n = f->changes.size();
  if (n == 0 && f->pre_images.empty()) return;
  r->files++;
  r->changes += n;
  if (mode == LossMode::kAll) {
    Revert(f);
    r->changes_lost += n;
  } else if (mode == LossMode::kPrefix) {
    const size_t keep = UpTo(rnd, n);
    Revert(f);
    for (size_t i = 0; i < keep; i++) Replay(f->fd, f->changes[i], f->changes[i].data.size());
    r->changes_lost += n - keep;
    if (keep < n && f->changes[keep].kind == Change::kWrite && Coin(rnd)) {
      const Change& torn = f->changes[keep];
      Replay(f->fd, torn, UpTo(rnd, torn.data.size()));
    }
  } else {
    std::set<uint64_t> pages;
    for (const auto& [page, bytes] : f->pre_images) pages.insert(page);
    for (const Change& c : f->changes) {
      if (c.kind != Change::kWrite || c.data.empty()) continue;
      for (uint64_t p = c.offset / kPageSize; p * kPageSize < c.offset + c.data.size(); p++) {
        pages.insert(p);
      }
    }
    const uint64_t live_size = f->Size();
    std::map<uint64_t, std::string> live;
    for (uint64_t p : pages) {
      if (p * kPageSize >= live_size) continue;
      std::string bytes(std::min(kPageSize, live_size - p * kPageSize), '\0');
      (void)!::pread(f->fd, bytes.data(), bytes.size(), static_cast<off_t>(p * kPageSize));
      live.emplace(p, std::move(bytes));
    }
    const uint64_t size = Coin(rnd) ? live_size : f->durable_size;
    Revert(f);
    bool lost = size != live_size;
    for (uint64_t p : pages) {
      if (p * kPageSize >= size) continue;
      if (!Coin(rnd)) {
        r->pages_lost++;
        lost = true;
        continue;
      }
      auto it = live.find(p);
      std::string bytes = it != live.end() ? it->second : std::string();
      bytes.resize(std::min(kPageSize, size - p * kPageSize), '\0');
      (void)!::pwrite(f->fd, bytes.data(), bytes.size(), static_cast<off_t>(p * kPageSize));
    }
    (void)!::ftruncate(f->fd, static_cast<off_t>(size));
    if (lost) r->changes_lost += n;
  }
  f->durable_size = f->Size();
  f->pre_images.clear();
  f->changes.clear();
}

LossReport Model::PowerLoss(LossMode mode, uint64_t seed) {
  std::mt19937_64 rnd(seed);
  LossReport r;
  handles_.clear();
  frozen_ = false;
  // The files live names reached before, to count those no surviving name reaches.
  std::set<const Node*> before, after;
  std::vector<std::shared_ptr<Dir>> queue{root_};
  while (!queue.empty()) {
    auto d = queue.back();
    queue.pop_back();
    for (const auto& [name, node] : d->live) {
      if (node->is_dir) {
        queue.push_back(std::static_pointer_cast<Dir>(node));
      } else {
        before.insert(node.get());
      }
    }
  }
  // Every directory a surviving name reaches keeps its synced entries and, unless mode
  // is kAll, a prefix of the changes since.
  queue = {root_};
  while (!queue.empty()) {
    auto d = queue.back();
    queue.pop_back();
    const size_t n = d->changes.size();
    const size_t keep = mode == LossMode::kAll ? 0 : UpTo(&rnd, n);
    r.dir_changes += n;
    r.dir_changes_lost += n - keep;
    d->live = d->durable;
    for (size_t i = 0; i < keep; i++) d->Apply(d->changes[i]);
    d->durable = d->live;
    d->changes.clear();
    for (const auto& [name, node] : d->live) {
      if (node->is_dir) {
        queue.push_back(std::static_pointer_cast<Dir>(node));
      } else if (after.insert(node.get()).second) {
        LoseFile(static_cast<File*>(node.get()), mode, &rnd, &r);
      }
    }
  }
  for (const Node* n : before) r.files_deleted += after.count(n) == 0;
  return r;
}

void Model::SyncAll() {
  std::vector<std::shared_ptr<Dir>> queue{root_};
  while (!queue.empty()) {
    auto d = queue.back();
    queue.pop_back();
    d->durable = d->live;
    d->changes.clear();
    for (const auto& [name, node] : d->live) {
      if (node->is_dir) {
        queue.push_back(std::static_pointer_cast<Dir>(node));
        continue;
      }
      auto* f = static_cast<File*>(node.get());
      f->durable_size = f->Size();
      f->pre_images.clear();
      f->changes.clear();
    }
  }
}

}  // namespace crashfs
