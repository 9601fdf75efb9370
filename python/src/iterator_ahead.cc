// Read-ahead of forward Iterators (ReadAhead in iterator.h).
#include "iterator.h"

namespace lsmdb_py {

namespace {

constexpr size_t kMaxEntries = 64;
constexpr size_t kMaxBytes = size_t{256} << 10;

}  // namespace

Outcome IterState::FillAhead() {
  ahead.arena.clear();
  ahead.spans.clear();
  ahead.next = 0;
  ahead.at_end = false;
  ahead.base.assign(it->key());
  while (ahead.spans.size() < kMaxEntries && ahead.arena.size() < kMaxBytes) {
    it->Next();
    if (!it->Valid() || (stop && (include_stop ? cmp->Compare(it->key(), *stop) > 0
                                               : cmp->Compare(it->key(), *stop) >= 0))) {
      ahead.at_end = true;
      break;
    }
    ReadAhead::Span s;
    std::string_view k = it->key(), v = include_value ? it->value() : std::string_view();
    s.key_off = ahead.arena.size();
    s.key_len = k.size();
    ahead.arena.append(k);
    s.value_off = ahead.arena.size();
    s.value_len = v.size();
    ahead.arena.append(v);
    ahead.spans.push_back(s);
  }
  if (!it->status().ok()) {
    ahead.spans.clear();
    return Outcome::kError;
  }
  if (ahead.spans.empty()) {
    pos = Position::kAfterStop;
    return Outcome::kEnd;
  }
  return Outcome::kBuffered;
}

void IterState::Resync(bool reposition) {
  if (!ahead.Has() && !ahead.at_end) {
    ahead.spans.clear();
    return;
  }
  if (reposition && pos == Position::kInBetween) {
    // Back to the last entry returned: it exists in this iterator's snapshot.
    it->Seek(ahead.next > 0 ? ahead.Key(ahead.spans[ahead.next - 1]) : ahead.base);
  }
  ahead.spans.clear();
  ahead.next = 0;
  ahead.at_end = false;
}

}  // namespace lsmdb_py
