// The range logic of Iterator: start/stop bounds with include_start/include_stop, in the
// cursor model of plyvel. Runs without the GIL, with the iterator's and the DB's locks held.
#include "iterator.h"

namespace lsmdb_py {

namespace {

int Cmp(const IterState& s, std::string_view a, std::string_view b) { return s.cmp->Compare(a, b); }

// True if the current key is at or past the stop bound.
bool PastStop(const IterState& s) {
  if (!s.stop) return false;
  int c = Cmp(s, s.it->key(), *s.stop);
  return s.include_stop ? c > 0 : c >= 0;
}

// True if the current key is before the start bound.
bool BeforeStart(const IterState& s) {
  if (!s.start) return false;
  int c = Cmp(s, s.it->key(), *s.start);
  return s.include_start ? c < 0 : c <= 0;
}

}  // namespace

Outcome IterState::Next() {
  switch (pos) {
    case Position::kInBetween:
      it->Next();
      if (!it->Valid()) {
        pos = Position::kAfterStop;
        return Failed(Outcome::kEnd);
      }
      break;
    case Position::kInBetweenPositioned:
      pos = Position::kInBetween;
      break;
    case Position::kBeforeStart:
      if (start) {
        it->Seek(*start);
      } else {
        it->SeekToFirst();
      }
      if (it->Valid() && start && !include_start && Cmp(*this, it->key(), *start) == 0) {
        it->Next();
      }
      if (!it->Valid()) return Failed(Outcome::kEnd);
      pos = Position::kInBetween;
      break;
    case Position::kAfterStop:
      return Outcome::kEnd;
  }
  if (!it->status().ok()) return Outcome::kError;
  if (PastStop(*this)) {
    pos = Position::kAfterStop;
    return Outcome::kEnd;
  }
  return Outcome::kEntry;
}

Outcome IterState::Prev() {
  switch (pos) {
    case Position::kInBetween:
      break;
    case Position::kInBetweenPositioned:
      it->Prev();
      if (!it->Valid()) {
        pos = Position::kBeforeStart;
        return Failed(Outcome::kEnd);
      }
      break;
    case Position::kBeforeStart:
      return Outcome::kEnd;
    case Position::kAfterStop:
      if (!stop) {
        it->SeekToLast();
      } else {
        it->SeekForPrev(*stop);
        if (it->Valid() && !include_stop && Cmp(*this, it->key(), *stop) == 0) it->Prev();
      }
      if (!it->Valid()) return Failed(Outcome::kEnd);
      break;
  }
  if (!it->status().ok()) return Outcome::kError;
  if (BeforeStart(*this)) {
    pos = Position::kBeforeStart;
    return Outcome::kEnd;
  }
  return Outcome::kEntry;  // the caller reads the entry, then calls AfterPrev
}

Outcome IterState::AfterPrev() {
  it->Prev();
  if (!it->Valid()) {
    pos = Position::kBeforeStart;
  } else {
    pos = BeforeStart(*this) ? Position::kBeforeStart : Position::kInBetween;
  }
  return Failed(Outcome::kEntry);
}

void IterState::Seek(std::string target) {
  if (start && Cmp(*this, target, *start) < 0) target = *start;
  if (stop && Cmp(*this, target, *stop) > 0) target = *stop;
  it->Seek(target);
  pos = it->Valid() ? Position::kInBetweenPositioned : Position::kAfterStop;
}

}  // namespace lsmdb_py
