// The list of live snapshots, oldest first. Compaction keeps every version a listed
// snapshot can see.
//
// Thread-safety: guarded by the DB mutex (callers hold it).
#ifndef LSMDB_DB_SNAPSHOT_H_
#define LSMDB_DB_SNAPSHOT_H_

#include <list>

#include "lsmdb/db.h"
#include "util/internal_key.h"

namespace lsmdb {

class SnapshotList;

class SnapshotImpl final : public Snapshot {
 public:
  SnapshotImpl(SequenceNumber seq, const SnapshotList* list) : sequence(seq), owner(list) {}
  ~SnapshotImpl() override = default;
  const SequenceNumber sequence;
  const SnapshotList* const owner;  // the list (and so the DB) it belongs to
  std::list<SnapshotImpl*>::iterator position;
};

class SnapshotList {
 public:
  ~SnapshotList() {
    for (SnapshotImpl* s : list_) delete s;
  }
  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  SequenceNumber oldest() const { return list_.front()->sequence; }
  const std::list<SnapshotImpl*>& all() const { return list_; }

  // REQUIRES: seq >= the sequence of every listed snapshot.
  SnapshotImpl* New(SequenceNumber seq) {
    auto* s = new SnapshotImpl(seq, this);
    s->position = list_.insert(list_.end(), s);
    return s;
  }
  void Delete(const SnapshotImpl* s) {
    list_.erase(s->position);
    delete s;
  }

 private:
  std::list<SnapshotImpl*> list_;
};

}  // namespace lsmdb

#endif  // LSMDB_DB_SNAPSHOT_H_
