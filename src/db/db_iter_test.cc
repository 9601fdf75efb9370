// DBIter over a hand-built stream of internal keys: snapshots, deletions, bounds,
// direction switches and damaged keys, checked against a model of what each snapshot
// sees. Randomized cases print their seed (LSMDB_TEST_SEED replays one).
#include "db/db_iter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lsmdb/comparator.h"
#include "tests/util/reverse_comparator.h"
#include "tests/util/test_util.h"
#include "util/internal_key.h"
#include "util/random.h"

namespace lsmdb {
namespace {

struct Entry {
  std::string user_key;
  SequenceNumber seq;
  ValueType type;
  std::string value;
};

// An InternalIterator over entries sorted by an internal-key comparator. Each key is a
// separate heap allocation of exactly its size, so that reading past one (beyond what
// the internal-key format guarantees) shows under ASan.
class EntryIterator final : public InternalIterator {
 public:
  EntryIterator(const InternalKeyComparator* icmp,
                std::vector<std::pair<std::string, std::string>> kv)
      : icmp_(icmp), kv_(std::move(kv)), pos_(kv_.size()) {
    std::sort(kv_.begin(), kv_.end(),
              [&](const auto& a, const auto& b) { return icmp_->Compare(a.first, b.first) < 0; });
    for (const auto& [k, v] : kv_) {
      auto copy = std::make_unique<char[]>(k.size());
      std::memcpy(copy.get(), k.data(), k.size());
      keys_.push_back(std::move(copy));
    }
  }

  // Makes the iterator fail (for good, with Corruption) when it reaches entry `index`
  // of the sorted entries.
  void FailAt(size_t index) { fail_at_ = index; }

  bool Valid() const override { return status_.ok() && pos_ < kv_.size(); }
  void SeekToFirst() override { Land(0); }
  void SeekToLast() override { Land(kv_.empty() ? 0 : kv_.size() - 1); }
  void Seek(std::string_view target) override {
    size_t pos = 0;
    while (pos < kv_.size() && icmp_->Compare(kv_[pos].first, target) < 0) pos++;
    Land(pos);
  }
  void Next() override {
    ASSERT_TRUE(Valid());
    Land(pos_ + 1);
  }
  void Prev() override {
    ASSERT_TRUE(Valid());
    Land(pos_ == 0 ? kv_.size() : pos_ - 1);
  }
  std::string_view key() const override { return {keys_[pos_].get(), kv_[pos_].first.size()}; }
  std::string_view value() const override { return kv_[pos_].second; }
  Status status() const override { return status_; }

 private:
  void Land(size_t pos) {
    pos_ = pos;
    if (pos == fail_at_) status_ = Status::Corruption("entry iterator", "failed");
  }

  const InternalKeyComparator* icmp_;
  std::vector<std::pair<std::string, std::string>> kv_;
  std::vector<std::unique_ptr<char[]>> keys_;
  size_t pos_;
  size_t fail_at_ = SIZE_MAX;
  Status status_;
};

std::vector<std::pair<std::string, std::string>> Encode(const std::vector<Entry>& entries) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const Entry& e : entries) {
    std::string ikey;
    AppendInternalKey(&ikey, e.user_key, e.seq, e.type);
    kv.emplace_back(std::move(ikey), e.value);
  }
  return kv;
}

struct Bounds {
  std::optional<std::string> lower, upper;
};

std::unique_ptr<Iterator> NewIter(const InternalKeyComparator* icmp,
                                  const std::vector<Entry>& entries, SequenceNumber seq,
                                  const Bounds& bounds, ReadOptions* ro) {
  if (bounds.lower) ro->lower_bound = *bounds.lower;
  if (bounds.upper) ro->upper_bound = *bounds.upper;
  return NewDBIterator(icmp, std::make_unique<EntryIterator>(icmp, Encode(entries)), seq, *ro,
                       nullptr);
}

// What a reader at sequence seq sees within bounds: the newest entry of each user key
// with a sequence <= seq, when it is a value. Ordered by the user comparator.
std::vector<std::pair<std::string, std::string>> Visible(const Comparator* ucmp,
                                                         const std::vector<Entry>& entries,
                                                         SequenceNumber seq, const Bounds& b) {
  auto less = [ucmp](const std::string& x, const std::string& y) {
    return ucmp->Compare(x, y) < 0;
  };
  std::map<std::string, const Entry*, decltype(less)> newest(less);
  for (const Entry& e : entries) {
    if (e.seq > seq) continue;
    auto [it, added] = newest.emplace(e.user_key, &e);
    if (!added && it->second->seq < e.seq) it->second = &e;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, e] : newest) {
    if (e->type != ValueType::kValue) continue;
    if (b.lower && ucmp->Compare(k, *b.lower) < 0) continue;
    if (b.upper && ucmp->Compare(k, *b.upper) >= 0) continue;
    out.emplace_back(k, e->value);
  }
  return out;
}

std::string Scan(Iterator* it, bool forward) {
  std::string out;
  for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid();
       forward ? it->Next() : it->Prev()) {
    out += std::string(it->key()) + "=" + std::string(it->value()) + " ";
  }
  return out;
}

const InternalKeyComparator kBytewise(BytewiseComparator());

TEST(DBIterTest, OlderVersionsAndDeletionsAreHidden) {
  const std::vector<Entry> entries = {
      {"a", 1, ValueType::kValue, "a1"},  {"b", 2, ValueType::kValue, "b2"},
      {"b", 5, ValueType::kDeletion, ""},  // a deletion newer than a value
      {"c", 3, ValueType::kDeletion, ""}, {"c", 6, ValueType::kValue, "c6"},  // older one
      {"d", 4, ValueType::kValue, "d4"},  {"d", 7, ValueType::kValue, "d7"},
      {"e", 8, ValueType::kDeletion, ""},
  };
  ReadOptions ro;
  auto latest = NewIter(&kBytewise, entries, 100, {}, &ro);
  EXPECT_EQ("a=a1 c=c6 d=d7 ", Scan(latest.get(), true));
  EXPECT_EQ("d=d7 c=c6 a=a1 ", Scan(latest.get(), false));
  // A snapshot before the deletion of b, the new value of c and the second value of d.
  auto old = NewIter(&kBytewise, entries, 4, {}, &ro);
  EXPECT_EQ("a=a1 b=b2 d=d4 ", Scan(old.get(), true));
  EXPECT_EQ("d=d4 b=b2 a=a1 ", Scan(old.get(), false));
  EXPECT_TRUE(latest->status().ok());
}

// Each step taken right after a plain forward step (a new user key holding a value) turns
// around, and the iterator must come back to the same entries.
TEST(DBIterTest, DirectionSwitchRightAfterAForwardStep) {
  const std::vector<Entry> entries = {
      {"a", 1, ValueType::kValue, "a1"}, {"b", 2, ValueType::kValue, "b2"},
      {"b", 1, ValueType::kValue, "b1"}, {"c", 3, ValueType::kDeletion, ""},
      {"c", 2, ValueType::kValue, "c2"}, {"d", 4, ValueType::kValue, "d4"},
  };
  ReadOptions ro;
  auto it = NewIter(&kBytewise, entries, 100, {}, &ro);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("a", it->key());
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  EXPECT_EQ("b2", it->value());
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("a", it->key());
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  EXPECT_EQ("b2", it->value());
  it->Next();  // skips b's older value and the deleted c
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("d", it->key());
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  EXPECT_EQ("b2", it->value());
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("a", it->key());
  it->Prev();
  EXPECT_FALSE(it->Valid());
}

TEST(DBIterTest, BoundsStopBothWays) {
  std::vector<Entry> entries;
  for (char c = 'a'; c <= 'h'; c++) {
    entries.push_back({std::string(1, c), static_cast<SequenceNumber>(c - 'a' + 1),
                       ValueType::kValue, std::string(1, c)});
  }
  entries.push_back({"c", 20, ValueType::kDeletion, ""});
  ReadOptions ro;
  const Bounds bounds{"b", "g"};  // outlives the iterator, which keeps views of it
  auto it = NewIter(&kBytewise, entries, 100, bounds, &ro);
  EXPECT_EQ("b=b d=d e=e f=f ", Scan(it.get(), true));
  EXPECT_EQ("f=f e=e d=d b=b ", Scan(it.get(), false));
  it->Seek("a");  // below the lower bound: starts at it
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  it->Seek("g");
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("z");  // above the upper bound: the last key below it
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("f", it->key());
  it->SeekForPrev("c");  // c is deleted
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  it->Prev();
  EXPECT_FALSE(it->Valid());
  it->Seek("f");
  ASSERT_TRUE(it->Valid());
  it->Next();
  EXPECT_FALSE(it->Valid());
}

TEST(DBIterTest, DamagedInternalKeyIsCorruption) {
  std::vector<std::pair<std::string, std::string>> kv = Encode({{"a", 1, ValueType::kValue, "1"}});
  std::string bad_kind;
  AppendInternalKey(&bad_kind, "b", 2, ValueType::kValue);
  bad_kind[bad_kind.size() - kInternalKeyTrailer] = 9;  // the kind: the tag's low byte
  kv.emplace_back(bad_kind, "2");
  ReadOptions ro;
  auto it =
      NewDBIterator(&kBytewise, std::make_unique<EntryIterator>(&kBytewise, kv), 100, ro, nullptr);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("a", it->key());
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
}

// Moving backward, the entries of a user key come oldest first: a source that fails
// before the newest one is reached must not leave the older one shown.
TEST(DBIterTest, FailureWhileCollectingBackwardEndsTheIteration) {
  auto internal =
      std::make_unique<EntryIterator>(&kBytewise, Encode({{"a", 2, ValueType::kValue, "new"},
                                                          {"a", 1, ValueType::kValue, "old"},
                                                          {"b", 3, ValueType::kValue, "b"}}));
  internal->FailAt(0);  // a@2, the newest entry of "a"
  ReadOptions ro;
  auto it = NewDBIterator(&kBytewise, std::move(internal), 100, ro, nullptr);
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  it->Prev();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  // The error is final.
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->Seek("b");
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("b");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
}

// A bad internal key is final too: a later seek elsewhere does not make the iterator
// valid again while status() reports the error.
TEST(DBIterTest, DamagedInternalKeyIsFinal) {
  std::vector<std::pair<std::string, std::string>> kv = Encode({{"a", 1, ValueType::kValue, "1"}});
  std::string bad_kind;
  AppendInternalKey(&bad_kind, "b", 2, ValueType::kValue);
  bad_kind[bad_kind.size() - kInternalKeyTrailer] = 9;
  kv.emplace_back(bad_kind, "2");
  ReadOptions ro;
  auto it =
      NewDBIterator(&kBytewise, std::make_unique<EntryIterator>(&kBytewise, kv), 100, ro, nullptr);
  it->Seek("b");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
  it->Seek("a");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
}

using test::ReverseComparator;

// Random histories of a small key space: keys of every length from 0 to 150 bytes (the
// padded word comparison's partial words, its memcmp case, the saved key's heap buffer),
// keys that are prefixes of one another, zero bytes; several versions and deletions per
// key. Random snapshots and bounds; random walks of seeks and steps both ways against
// the model.
void RandomWalks(const Comparator* ucmp) {
  const InternalKeyComparator icmp(ucmp);
  Random rnd(test::RandomSeed());
  for (int round = 0; round < 200; round++) {
    std::vector<std::string> users;
    const std::string stem = test::RandomString(&rnd, 150);
    for (int i = 0; i < 15; i++) {
      std::string u = stem.substr(0, rnd.OneIn(3) ? rnd.Uniform(151) : rnd.Uniform(20));
      if (!u.empty() && rnd.OneIn(3)) u[rnd.Uniform(u.size())] = rnd.OneIn(2) ? '\0' : 'x';
      users.push_back(u);
    }
    std::vector<Entry> entries;
    const SequenceNumber last = 1 + rnd.Uniform(60);
    for (SequenceNumber s = 1; s <= last; s++) {
      Entry e{users[rnd.Uniform(users.size())], s,
              rnd.OneIn(3) ? ValueType::kDeletion : ValueType::kValue, ""};
      if (e.type == ValueType::kValue) e.value = "v" + std::to_string(s);
      entries.push_back(e);
    }
    const SequenceNumber seq = rnd.Uniform(last + 2);
    Bounds bounds;
    if (rnd.OneIn(3)) bounds.lower = users[rnd.Uniform(users.size())];
    if (rnd.OneIn(3)) bounds.upper = users[rnd.Uniform(users.size())];
    const auto model = Visible(ucmp, entries, seq, bounds);
    ReadOptions ro;
    auto it = NewIter(&icmp, entries, seq, bounds, &ro);
    SCOPED_TRACE(testing::Message() << "round " << round << ", snapshot " << seq);

    auto find = [&](std::string_view t, bool for_prev) -> size_t {
      // Seek: first model entry >= t; SeekForPrev: last <= t (model.size() if none).
      size_t i = 0;
      while (i < model.size() && ucmp->Compare(model[i].first, t) < 0) i++;
      if (!for_prev) return i;
      if (i < model.size() && ucmp->Compare(model[i].first, t) == 0) return i;
      return i == 0 ? model.size() : i - 1;
    };
    size_t pos = model.size();  // model.size() means invalid
    for (int step = 0; step < 150; step++) {
      const std::string& t = users[rnd.Uniform(users.size())];
      if (pos >= model.size() || rnd.OneIn(8)) {
        switch (rnd.Uniform(4)) {
          case 0:
            it->SeekToFirst();
            pos = 0;
            break;
          case 1:
            it->SeekToLast();
            pos = model.empty() ? 0 : model.size() - 1;
            break;
          case 2:
            it->Seek(t);
            pos = find(t, false);  // the model holds nothing below the lower bound
            break;
          default:
            it->SeekForPrev(t);
            pos = find(t, true);
            break;
        }
      } else if (rnd.OneIn(2)) {
        it->Next();
        pos++;
      } else {
        it->Prev();
        pos = pos == 0 ? model.size() : pos - 1;
      }
      if (pos >= model.size()) {
        ASSERT_FALSE(it->Valid()) << "step " << step << " at " << it->key();
      } else {
        ASSERT_TRUE(it->Valid()) << "step " << step;
        ASSERT_EQ(model[pos].first, it->key()) << "step " << step;
        ASSERT_EQ(model[pos].second, it->value()) << "step " << step;
      }
    }
    ASSERT_TRUE(it->status().ok());
  }
}

TEST(DBIterTest, RandomWalksMatchTheModel) { RandomWalks(BytewiseComparator()); }

TEST(DBIterTest, RandomWalksMatchTheModelUnderAnotherOrder) {
  ReverseComparator reverse;
  RandomWalks(&reverse);
}

}  // namespace
}  // namespace lsmdb
