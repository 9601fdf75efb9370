// AckModel: the acknowledged writes of a test, in order, and the judgement of what a
// damaged database answered against them (tests/damage_matrix_test.cc).
//
// A write is one Put, Delete or batch (all its updates at once), acknowledged with OK,
// with or without sync. An Observation is what one read path saw: keys with a value
// (read with an OK status) and keys it saw absent (a NotFound, or a key a scan passed
// over). Keys the path could not read (an error) are simply not in it.
//
// Thread-safety: plain values; one thread at a time.
#ifndef LSMDB_TESTS_UTIL_ACK_MODEL_H_
#define LSMDB_TESTS_UTIL_ACK_MODEL_H_

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lsmdb::test {

// A key's state: its value, or nullopt when deleted or never written.
using KeyState = std::optional<std::string>;

struct Observation {
  std::map<std::string, KeyState> seen;  // key -> value read (nullopt: read as absent)
  std::string disorder;                  // non-empty if a scan broke key order
};

// What a read path answered, against the model.
struct Judgement {
  size_t wrong = 0;     // a value that is not the latest acknowledged one (nor a prefix's)
  size_t garbage = 0;   // of those, values never written to that key
  size_t missing = 0;   // keys with an acknowledged value read as absent
  std::string example;  // the first bad key, for the report
};

class AckModel {
 public:
  using Update = std::pair<std::string, KeyState>;

  // Records an acknowledged write.
  void Add(std::vector<Update> updates, bool synced);

  size_t size() const { return writes_.size(); }
  // Writes [0, SyncedPrefix()) must survive any power loss: the last synced write and
  // every write before it.
  size_t SyncedPrefix() const { return synced_prefix_; }
  // Every key ever written, in order.
  const std::set<std::string>& keys() const { return keys_; }
  // The state of every key after the first n writes.
  std::map<std::string, KeyState> StateAfter(size_t n) const;
  // The latest acknowledged state of key.
  const KeyState& Latest(const std::string& key) const;
  // True if value was ever written to key.
  bool EverHeld(const std::string& key, const std::string& value) const;

  // Strict: every value seen is the latest acknowledged one and no key with a value is
  // seen absent. Older values (and resurrected deletes) count as wrong.
  Judgement JudgeLatest(const Observation& obs) const;
  // Power-loss-explainable damage: true if the observation agrees with the state after
  // some prefix of the writes of length >= min_prefix.
  bool MatchesPrefix(const Observation& obs, size_t min_prefix) const;

 private:
  std::vector<std::vector<Update>> writes_;
  size_t synced_prefix_ = 0;
  std::set<std::string> keys_;
  std::map<std::string, KeyState> latest_;
  std::map<std::string, std::set<std::string>> history_;  // every value each key held
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_ACK_MODEL_H_
