#include "tests/util/damage_reads.h"

#include <memory>
#include <optional>

namespace lsmdb::test {
namespace {

void NoteError(ReadResult* r, const Status& s) {
  r->errors++;
  if (r->first_error.empty()) r->first_error = s.ToString();
}

// Records one iterator run: the entries shown (from `start`, in direction `forward`,
// at most `limit` of them; limit < 0 for no limit) and the keys it passed over.
void RunIterator(Iterator* it, const std::set<std::string>& keys, bool forward,
                 std::optional<std::string> start, int limit, ReadResult* r) {
  std::vector<std::string> shown;
  int n = 0;
  for (; it->Valid() && (limit < 0 || n < limit); n++) {
    std::string key(it->key());
    if (!shown.empty() && (forward ? key <= shown.back() : key >= shown.back()) &&
        r->obs.disorder.empty()) {
      r->obs.disorder = "key " + key + " after " + shown.back();
    }
    shown.push_back(key);
    r->obs.seen[key] = std::string(it->value());
    if (forward) {
      it->Next();
    } else {
      it->Prev();
    }
  }
  const bool at_end = !it->Valid();
  if (!it->status().ok()) NoteError(r, it->status());
  const bool covered_to_end = at_end && it->status().ok();
  // The span covered: from start (or the first key) to the last key shown, or to the
  // end of the key space when the iterator ended cleanly.
  std::set<std::string> shown_set(shown.begin(), shown.end());
  auto in_span = [&](const std::string& k) {
    if (forward) {
      if (start && k < *start) return false;
      return covered_to_end || (!shown.empty() && k <= shown.back());
    }
    if (start && k > *start) return false;
    return covered_to_end || (!shown.empty() && k >= shown.back());
  };
  for (const std::string& k : keys) {
    if (in_span(k) && shown_set.count(k) == 0 && r->obs.seen.count(k) == 0) {
      r->obs.seen[k] = std::nullopt;
    }
  }
}

}  // namespace

ReadResult ReadByGet(DB* db, const std::set<std::string>& keys) {
  ReadResult r;
  for (const std::string& k : keys) {
    std::string value;
    Status s = db->Get(ReadOptions(), k, &value);
    if (s.ok()) {
      r.obs.seen[k] = value;
    } else if (s.IsNotFound()) {
      r.obs.seen[k] = std::nullopt;
    } else {
      NoteError(&r, s);
    }
  }
  return r;
}

ReadResult ScanAll(DB* db, const std::set<std::string>& keys, bool forward) {
  ReadResult r;
  std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
  if (forward) {
    it->SeekToFirst();
  } else {
    it->SeekToLast();
  }
  RunIterator(it.get(), keys, forward, std::nullopt, -1, &r);
  return r;
}

ReadResult SeekScans(DB* db, const std::set<std::string>& keys,
                     const std::vector<std::string>& targets, int steps) {
  ReadResult r;
  for (const std::string& t : targets) {
    for (bool forward : {true, false}) {
      // Each run observed on its own, then merged: two runs that disagree on a key (a
      // value in one, another value or a pass-over in the other) are an inconsistency,
      // reported as disorder.
      ReadResult one;
      std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
      if (forward) {
        it->Seek(t);
      } else {
        it->SeekForPrev(t);
      }
      RunIterator(it.get(), keys, forward, t, steps, &one);
      for (const auto& [k, v] : one.obs.seen) {
        auto [pos, inserted] = r.obs.seen.emplace(k, v);
        if (!inserted && pos->second != v) {
          if (r.obs.disorder.empty()) r.obs.disorder = "seeks disagree on key " + k;
        }
      }
      if (r.obs.disorder.empty()) r.obs.disorder = one.obs.disorder;
      r.errors += one.errors;
      if (r.first_error.empty()) r.first_error = one.first_error;
    }
  }
  return r;
}

}  // namespace lsmdb::test
