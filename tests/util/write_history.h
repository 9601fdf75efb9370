// The writes a crash test attempted since it last read the database back, and the
// judgement of what a recovered database holds: the state after some prefix of them
// that keeps every write that had to survive (tests/power_loss_test.cc,
// tests/crashfs/crashfs_power_loss_test.cc).
//
// Thread-safety: plain values; one thread at a time.
#ifndef LSMDB_TESTS_UTIL_WRITE_HISTORY_H_
#define LSMDB_TESTS_UTIL_WRITE_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/random.h"

namespace lsmdb::test {

using Model = std::map<std::string, std::string>;

// One attempted write: a Put, a Delete or a batch, whose entries apply in order.
struct WriteOp {
  std::vector<std::pair<std::string, std::optional<std::string>>> entries;
  bool sync = false;
};

// Random writes for crash tests. Keys come from a small, skewed key space, so that keys
// are overwritten and deleted often; some keys are long, so that MANIFEST edits are large
// enough to roll the MANIFEST over often.
std::string RandomKey(Random* rnd);

// Value lengths: below `typical`, one value in twenty below `large` instead.
struct ValueLengths {
  uint32_t typical = 100;
  uint32_t large = 2000;
};

// A Put (55%), a Delete (15%) or a batch of 1-8 Puts and Deletes (30%); synced one time in
// five. The same rnd state gives the same write.
WriteOp RandomWrite(Random* rnd, ValueLengths lengths);

// The writes attempted since the state last read back from the database, and how many of
// them must survive.
class History {
 public:
  void Reset(Model base) {
    base_ = std::move(base);
    ops_.clear();
    acked_ = durable_ = 0;
    power_lost_ = false;
  }
  const Model& base() const { return base_; }
  size_t size() const { return ops_.size(); }
  const WriteOp& op(size_t i) const { return ops_[i]; }

  size_t Attempt(WriteOp op) {
    ops_.push_back(std::move(op));
    return ops_.size() - 1;
  }
  // Write i failed and must never appear (DB::Resume succeeded after it): it becomes a
  // write of nothing.
  void Forget(size_t i) { ops_[i].entries.clear(); }
  // Write i returned OK. Writes are issued one at a time, so all before it did too
  // (or were forgotten).
  void Acknowledge(size_t i) {
    acked_ = i + 1;
    if (ops_[i].sync) durable_ = i + 1;
  }
  // Flush() returned OK: every acknowledged write is durable.
  void FlushSucceeded() { durable_ = acked_; }
  void PowerLost() { power_lost_ = true; }
  // Writes every crash must keep: after a power loss only durable ones.
  size_t Required() const { return power_lost_ ? durable_ : acked_; }
  size_t acked() const { return acked_; }
  size_t durable() const { return durable_; }

  // The largest p in [Required(), size()] such that base + ops[0, p) equals recovered;
  // nullopt (with *why explaining) if there is none.
  std::optional<size_t> MatchPrefix(const Model& recovered, std::string* why) const;

 private:
  Model StateAt(size_t p) const {
    Model m = base_;
    for (size_t i = 0; i < p; i++) Apply(ops_[i], &m);
    return m;
  }
  static void Apply(const WriteOp& op, Model* m) {
    for (const auto& [k, v] : op.entries) {
      if (v) {
        (*m)[k] = *v;
      } else {
        m->erase(k);
      }
    }
  }

  Model base_;
  std::vector<WriteOp> ops_;
  size_t acked_ = 0;
  size_t durable_ = 0;
  bool power_lost_ = false;
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_WRITE_HISTORY_H_
