#include "sstable/merging_iterator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lsmdb/comparator.h"
#include "tests/util/reverse_comparator.h"
#include "tests/util/test_util.h"
#include "util/internal_key.h"
#include "util/random.h"

namespace lsmdb {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

// An InternalIterator over a sorted vector of plain keys. A non-OK status makes it an
// iterator in error: never valid, reporting that status.
class VectorIterator final : public InternalIterator {
 public:
  explicit VectorIterator(Entries entries, Status error = Status::OK(),
                          const Comparator* cmp = BytewiseComparator())
      : entries_(std::move(entries)), error_(std::move(error)), cmp_(cmp), pos_(entries_.size()) {}

  // Makes the iterator fail for good, with error, when it reaches entry index (with
  // seek_only, only when a Seek lands there).
  void FailAt(size_t index, Status error, bool seek_only = false) {
    fail_at_ = index;
    fail_error_ = std::move(error);
    fail_on_seek_only_ = seek_only;
  }

  bool Valid() const override { return error_.ok() && pos_ < entries_.size(); }
  void SeekToFirst() override { Land(0); }
  void SeekToLast() override { Land(entries_.empty() ? 0 : entries_.size() - 1); }
  void Seek(std::string_view target) override {
    seeks_++;
    seeking_ = true;
    Land(static_cast<size_t>(std::lower_bound(entries_.begin(), entries_.end(), target,
                                              [this](const auto& e, std::string_view t) {
                                                return cmp_->Compare(e.first, t) < 0;
                                              }) -
                             entries_.begin()));
    seeking_ = false;
  }
  void Next() override {
    ASSERT_TRUE(Valid());
    Land(pos_ + 1);
  }
  void Prev() override {
    ASSERT_TRUE(Valid());
    Land((pos_ == 0) ? entries_.size() : pos_ - 1);  // before the first: invalid
  }
  std::string_view key() const override { return entries_.at(pos_).first; }
  std::string_view value() const override { return entries_.at(pos_).second; }
  Status status() const override { return error_; }

  // With a user comparator set (the entries then being internal keys), answers
  // MayContainUserKey as a filter would: false only when no entry has the user key, and
  // with false_positives, also true for one absent key in three. Unset: always true.
  void AnswerUserKeys(const Comparator* user, Random* false_positives = nullptr) {
    user_ = user;
    false_positives_ = false_positives;
  }
  bool MayContainUserKey(std::string_view user_key) override {
    pos_ = entries_.size();  // the position is unspecified afterwards: make it invalid
    if (user_ == nullptr) return true;
    for (const auto& e : entries_) {
      if (user_->Compare(ExtractUserKey(e.first), user_key) == 0) return true;
    }
    return false_positives_ != nullptr && false_positives_->OneIn(3);
  }
  int seeks() const { return seeks_; }

 private:
  void Land(size_t pos) {
    pos_ = pos;
    if (pos == fail_at_ && error_.ok() && (seeking_ || !fail_on_seek_only_)) {
      error_ = fail_error_;
    }
  }

  Entries entries_;
  Status error_;
  const Comparator* cmp_;
  size_t pos_;
  const Comparator* user_ = nullptr;
  Random* false_positives_ = nullptr;
  int seeks_ = 0;
  size_t fail_at_ = SIZE_MAX;
  Status fail_error_;
  bool fail_on_seek_only_ = false;
  bool seeking_ = false;
};

// Random children and the merged order they must produce: (key, value) pairs sorted by
// key, then child index, then position in the child. The value names child and position.
struct Case {
  std::vector<Entries> children;
  Entries merged;
};

Case MakeCase(Random* rnd, size_t num_children) {
  Case c;
  // A small key universe makes duplicates within and across children common.
  const uint64_t universe = 1 + rnd->Uniform(60);
  struct Row {
    std::string key;
    size_t child;
    size_t pos;
    std::string value;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < num_children; i++) {
    std::vector<std::string> keys(rnd->Uniform(40));
    for (auto& k : keys) k = "k" + std::to_string(rnd->Uniform(universe));
    std::sort(keys.begin(), keys.end());
    Entries child;
    for (size_t p = 0; p < keys.size(); p++) {
      std::string value = "c" + std::to_string(i) + "p" + std::to_string(p);
      child.emplace_back(keys[p], value);
      rows.push_back({keys[p], i, p, value});
    }
    c.children.push_back(std::move(child));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.key, a.child, a.pos) < std::tie(b.key, b.child, b.pos);
  });
  for (const Row& r : rows) c.merged.emplace_back(r.key, r.value);
  return c;
}

std::unique_ptr<InternalIterator> Merge(const Case& c) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  for (const Entries& e : c.children) children.push_back(std::make_unique<VectorIterator>(e));
  return NewMergingIterator(BytewiseComparator(), std::move(children));
}

// Index of the first merged entry with key >= target, in cmp's order.
size_t ModelSeek(const Entries& merged, std::string_view target,
                 const Comparator* cmp = BytewiseComparator()) {
  return static_cast<size_t>(std::lower_bound(merged.begin(), merged.end(), target,
                                              [cmp](const auto& e, std::string_view t) {
                                                return cmp->Compare(e.first, t) < 0;
                                              }) -
                             merged.begin());
}

// Checks that it is at merged[pos], or invalid when pos is out of range.
void ExpectAt(const InternalIterator& it, const Entries& merged, size_t pos) {
  if (pos >= merged.size()) {
    ASSERT_FALSE(it.Valid()) << "expected the end, at " << it.key();
    return;
  }
  ASSERT_TRUE(it.Valid()) << "expected " << merged[pos].first << " at " << pos;
  ASSERT_EQ(it.key(), merged[pos].first) << "at " << pos;
  ASSERT_EQ(it.value(), merged[pos].second) << "at " << pos;
}

std::vector<size_t> ChildCounts() { return {1, 2, 3, 4, 5, 6, 7, 8, 33}; }

TEST(MergingIteratorTest, NoChildrenIsEmpty) {
  auto it = NewMergingIterator(BytewiseComparator(), {});
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek("a");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST(MergingIteratorTest, OneChildIsReturnedAsIs) {
  auto child = std::make_unique<VectorIterator>(Entries{{"a", "1"}, {"b", "2"}});
  InternalIterator* raw = child.get();
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(std::move(child));
  auto it = NewMergingIterator(BytewiseComparator(), std::move(children));
  EXPECT_EQ(it.get(), raw);
}

TEST(MergingIteratorTest, EqualKeysInChildOrder) {
  Case c;
  c.children = {{{"a", "0a"}, {"b", "0b"}}, {{"b", "1b"}}, {{"a", "2a"}, {"b", "2b"}}};
  c.merged = {{"a", "0a"}, {"a", "2a"}, {"b", "0b"}, {"b", "1b"}, {"b", "2b"}};
  auto it = Merge(c);
  it->SeekToFirst();
  for (size_t i = 0; i < c.merged.size(); i++, it->Next()) ExpectAt(*it, c.merged, i);
  ExpectAt(*it, c.merged, c.merged.size());
  // From the middle of the equal "b"s, back and forth.
  it->Seek("b");
  ExpectAt(*it, c.merged, 2);
  it->Next();
  ExpectAt(*it, c.merged, 3);
  it->Prev();
  ExpectAt(*it, c.merged, 2);
  it->Prev();
  ExpectAt(*it, c.merged, 1);
  it->Next();
  ExpectAt(*it, c.merged, 2);
  it->Next();
  it->Next();
  ExpectAt(*it, c.merged, 4);
  it->Prev();
  ExpectAt(*it, c.merged, 3);
}

// Walks it at random for `steps` steps, checking every position against merged: a
// repositioning (SeekToFirst, SeekToLast or a seek, one in three each) whenever it is
// invalid and otherwise one step in reposition_one_in; else Next or Prev. seek(rnd)
// picks a target and returns it with its position in merged.
template <typename SeekFn>
void RandomWalk(InternalIterator* it, const Entries& merged, Random* rnd, int steps,
                int reposition_one_in, SeekFn seek) {
  const size_t size = merged.size();
  size_t pos = size;  // the model's position; size means invalid
  for (int step = 0; step < steps; step++) {
    if (pos >= size || rnd->OneIn(reposition_one_in)) {
      switch (rnd->Uniform(3)) {
        case 0:
          it->SeekToFirst();
          pos = 0;
          break;
        case 1:
          it->SeekToLast();
          pos = size == 0 ? 0 : size - 1;
          break;
        default: {
          auto [target, at] = seek(rnd);
          it->Seek(target);
          pos = at;
          break;
        }
      }
    } else if (rnd->OneIn(2)) {
      it->Next();
      pos++;
    } else {
      it->Prev();
      pos = (pos == 0) ? size : pos - 1;
    }
    ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, merged, pos)) << "step " << step;
  }
}

TEST(MergingIteratorTest, ForwardAndBackwardScans) {
  Random rnd(test::RandomSeed());
  for (size_t n : ChildCounts()) {
    for (int round = 0; round < 20; round++) {
      Case c = MakeCase(&rnd, n);
      auto it = Merge(c);
      it->SeekToFirst();
      for (size_t i = 0; i < c.merged.size(); i++, it->Next()) {
        ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, c.merged, i)) << n << " children";
      }
      ASSERT_FALSE(it->Valid());
      it->SeekToLast();
      for (size_t i = c.merged.size(); i-- > 0; it->Prev()) {
        ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, c.merged, i)) << n << " children";
      }
      ASSERT_FALSE(it->Valid());
      EXPECT_TRUE(it->status().ok());
    }
  }
}

TEST(MergingIteratorTest, Seek) {
  Random rnd(test::RandomSeed());
  for (size_t n : ChildCounts()) {
    for (int round = 0; round < 10; round++) {
      Case c = MakeCase(&rnd, n);
      auto it = Merge(c);
      std::vector<std::string> targets = {"", "k", "k0", "z"};
      for (int i = 0; i < 20; i++) targets.push_back("k" + std::to_string(rnd.Uniform(70)));
      for (const std::string& t : targets) {
        it->Seek(t);
        size_t pos = ModelSeek(c.merged, t);
        ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, c.merged, pos)) << "Seek(" << t << ")";
        // A few steps on from there.
        for (int step = 0; step < 3 && pos < c.merged.size(); step++) {
          it->Next();
          ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, c.merged, ++pos)) << "after Seek(" << t << ")";
        }
      }
    }
  }
}

TEST(MergingIteratorTest, RandomDirectionSwitches) {
  Random rnd(test::RandomSeed());
  for (size_t n : ChildCounts()) {
    for (int round = 0; round < 20; round++) {
      Case c = MakeCase(&rnd, n);
      auto it = Merge(c);
      SCOPED_TRACE(testing::Message() << n << " children, round " << round);
      ASSERT_NO_FATAL_FAILURE(RandomWalk(it.get(), c.merged, &rnd, 300, 25, [&](Random* r) {
        std::string t = "k" + std::to_string(r->Uniform(70));
        return std::make_pair(t, ModelSeek(c.merged, t));
      }));
    }
  }
}

using test::ReverseComparator;

// Children of internal keys, as the DB merges them: user keys of every length around the
// merge's word-at-a-time and memcmp cases (0..80 bytes, with shared prefixes), a few
// sequence numbers so that equal user keys and equal internal keys across children are
// common. Checked against a model sorted by the same comparator, then child, then
// position, with random seeks and direction switches.
TEST(MergingIteratorTest, InternalKeysMatchTheModel) {
  Random rnd(test::RandomSeed());
  ReverseComparator reverse;
  for (const Comparator* user : {BytewiseComparator(), static_cast<const Comparator*>(&reverse)}) {
    InternalKeyComparator icmp(user);
    for (size_t n : {2, 3, 5, 9}) {
      for (int round = 0; round < 10; round++) {
        SCOPED_TRACE(testing::Message() << user->Name() << ", " << n << " children");
        std::vector<std::string> users;
        for (int i = 0; i < 12; i++) {
          const size_t len = rnd.OneIn(3) ? rnd.Uniform(81) : rnd.Uniform(20);
          std::string u = std::string(len, 'p');
          if (len > 0) u[rnd.Uniform(len)] = static_cast<char>('a' + rnd.Uniform(3));
          users.push_back(u);
        }
        struct Row {
          std::string key;
          size_t child, pos;
        };
        std::vector<Row> rows;
        std::vector<std::unique_ptr<InternalIterator>> children;
        for (size_t i = 0; i < n; i++) {
          std::vector<std::string> keys;
          for (size_t k = rnd.Uniform(30); k > 0; k--) {
            std::string ikey;
            AppendInternalKey(&ikey, users[rnd.Uniform(users.size())], 1 + rnd.Uniform(3),
                              rnd.OneIn(4) ? ValueType::kDeletion : ValueType::kValue);
            keys.push_back(ikey);
          }
          std::sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
            return icmp.Compare(a, b) < 0;
          });
          Entries child;
          for (size_t p = 0; p < keys.size(); p++) {
            child.emplace_back(keys[p], std::to_string(i) + "/" + std::to_string(p));
            rows.push_back({keys[p], i, p});
          }
          children.push_back(std::make_unique<VectorIterator>(child, Status::OK(), &icmp));
        }
        std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
          const int c = icmp.Compare(a.key, b.key);
          return c != 0 ? c < 0 : std::tie(a.child, a.pos) < std::tie(b.child, b.pos);
        });
        Entries merged;
        for (const Row& r : rows) {
          merged.emplace_back(r.key, std::to_string(r.child) + "/" + std::to_string(r.pos));
        }
        auto it = NewMergingIterator(&icmp, std::move(children));
        SCOPED_TRACE(testing::Message() << "round " << round);
        ASSERT_NO_FATAL_FAILURE(RandomWalk(it.get(), merged, &rnd, 200, 20, [&](Random* r) {
          std::string t;
          AppendInternalKey(&t, users[r->Uniform(users.size())], r->Uniform(5), ValueType::kValue);
          return std::make_pair(t, ModelSeek(merged, t, &icmp));
        }));
      }
    }
  }
}

std::string IKey(std::string_view user_key, SequenceNumber seq) {
  std::string k;
  AppendInternalKey(&k, user_key, seq, ValueType::kValue);
  return k;
}

// With ChildOrder::kNewestFirst, a Seek stops at the first child holding the user key it
// asked for; the children it skipped are positioned by the first move, in either
// direction, and the merged order is the same as with every child positioned.
TEST(MergingIteratorTest, NewestFirstSeekPositionsOnlyWhatItNeeds) {
  InternalKeyComparator icmp(BytewiseComparator());
  struct Children {
    std::vector<VectorIterator*> raw;
    std::unique_ptr<InternalIterator> merged;
  };
  // child 0: b@9; child 1: a@5 c@6; child 2: b@3 c@2 d@1 (newer versions first).
  auto make = [&] {
    std::vector<Entries> entries = {
        {{IKey("b", 9), "b9"}},
        {{IKey("a", 5), "a5"}, {IKey("c", 6), "c6"}},
        {{IKey("b", 3), "b3"}, {IKey("c", 2), "c2"}, {IKey("d", 1), "d1"}}};
    Children c;
    std::vector<std::unique_ptr<InternalIterator>> children;
    for (Entries& e : entries) {
      auto child = std::make_unique<VectorIterator>(std::move(e), Status::OK(), &icmp);
      child->AnswerUserKeys(BytewiseComparator());
      c.raw.push_back(child.get());
      children.push_back(std::move(child));
    }
    c.merged = NewMergingIterator(&icmp, std::move(children), ChildOrder::kNewestFirst);
    return c;
  };
  auto seeks = [](const Children& c) {
    return std::to_string(c.raw[0]->seeks()) + std::to_string(c.raw[1]->seeks()) +
           std::to_string(c.raw[2]->seeks());
  };
  // The values from the current entry to the end, or back to the start.
  auto rest_forward = [](InternalIterator* it) {
    std::string out;
    for (; it->Valid(); it->Next()) out += std::string(it->value()) + " ";
    return out;
  };
  auto rest_backward = [](InternalIterator* it) {
    std::string out;
    for (; it->Valid(); it->Prev()) out += std::string(it->value()) + " ";
    return out;
  };

  // A fresh merge sought to target: lands on `first` having sought the children that
  // `sought` marks (one digit per child: how many seeks it took).
  auto seek = [&](const std::string& target, std::string_view first, std::string_view sought) {
    Children c = make();
    c.merged->Seek(target);
    EXPECT_TRUE(c.merged->Valid());
    if (c.merged->Valid()) {
      EXPECT_EQ(c.merged->value(), first);
    }
    EXPECT_EQ(seeks(c), sought);
    return c;
  };

  // b is in child 0: children 1 and 2 wait; Next brings in b@3 from child 2.
  Children c = seek(IKey("b", kMaxSequenceNumber), "b9", "100");
  EXPECT_EQ(rest_forward(c.merged.get()), "b9 b3 c6 c2 d1 ");
  EXPECT_EQ(seeks(c), "111");

  // c: child 0's filter denies it, child 1 holds it; Prev brings in child 0's b@9.
  c = seek(IKey("c", kMaxSequenceNumber), "c6", "010");
  EXPECT_EQ(rest_backward(c.merged.get()), "c6 b3 b9 a5 ");

  // At sequence 5, child 0's b@9 is too new and child 1 lacks b: the last child is
  // sought (no filter question for it) and holds b@3.
  c = seek(IKey("b", 5), "b3", "101");
  EXPECT_EQ(rest_forward(c.merged.get()), "b3 c6 c2 d1 ");

  // bb is nowhere: every child is sought, the ones the filter skipped included.
  c = seek(IKey("bb", kMaxSequenceNumber), "c6", "111");
  EXPECT_EQ(rest_forward(c.merged.get()), "c6 c2 d1 ");

  // A later full repositioning forgets what the last Seek deferred.
  c = seek(IKey("b", kMaxSequenceNumber), "b9", "100");
  c.merged->SeekToLast();
  EXPECT_EQ(rest_backward(c.merged.get()), "d1 c2 c6 b3 b9 a5 ");
}

// Random sources shaped like a DB's (each user key's versions in child i are newer than
// in child i + 1), filters with false positives, seeks at random snapshots, and random
// moves after them: kNewestFirst matches the model of the full merge.
TEST(MergingIteratorTest, NewestFirstMatchesTheModel) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  InternalKeyComparator icmp(BytewiseComparator());
  for (size_t n : {2, 3, 5, 9}) {
    for (int round = 0; round < 30; round++) {
      SCOPED_TRACE(testing::Message() << n << " children, round " << round << ", seed " << seed);
      const uint64_t universe = 1 + rnd.Uniform(25);
      Entries merged;
      std::vector<std::unique_ptr<InternalIterator>> children;
      for (size_t i = 0; i < n; i++) {
        // Child i's sequence numbers lie in [(n - i) * 100, (n - i) * 100 + 99].
        std::vector<std::string> keys;
        for (size_t k = rnd.Uniform(20); k > 0; k--) {
          const SequenceNumber seq = (n - i) * 100 + rnd.Uniform(100);
          keys.push_back(IKey("k" + std::to_string(rnd.Uniform(universe)), seq));
        }
        std::sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
          return icmp.Compare(a, b) < 0;
        });
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        Entries child;
        for (const std::string& k : keys) {
          child.emplace_back(k, std::to_string(i));
          merged.emplace_back(k, std::to_string(i));
        }
        auto it = std::make_unique<VectorIterator>(std::move(child), Status::OK(), &icmp);
        it->AnswerUserKeys(BytewiseComparator(), &rnd);
        children.push_back(std::move(it));
      }
      std::sort(merged.begin(), merged.end(),
                [&](const auto& a, const auto& b) { return icmp.Compare(a.first, b.first) < 0; });
      auto it = NewMergingIterator(&icmp, std::move(children), ChildOrder::kNewestFirst);
      ASSERT_NO_FATAL_FAILURE(RandomWalk(it.get(), merged, &rnd, 300, 3, [&](Random* r) {
        const SequenceNumber seq = r->OneIn(2) ? kMaxSequenceNumber : r->Uniform(100 * (n + 1));
        std::string t = IKey("k" + std::to_string(r->Uniform(universe + 1)), seq);
        return std::make_pair(t, ModelSeek(merged, t, &icmp));
      }));
    }
  }
}

TEST(MergingIteratorTest, FailedChildFromTheStartEndsTheMerge) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(std::make_unique<VectorIterator>(Entries{{"a", "1"}, {"c", "3"}}));
  children.push_back(
      std::make_unique<VectorIterator>(Entries{{"b", "2"}}, Status::Corruption("child 1")));
  children.push_back(std::make_unique<VectorIterator>(Entries{{"d", "4"}}));
  auto it = NewMergingIterator(BytewiseComparator(), std::move(children));
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  Status s = it->status();
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.ToString().find("child 1"), std::string::npos) << s.ToString();
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek("c");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
}

// Children {a c e g} and {b d f h}, the second failing when it reaches f (with
// seek_only, when a Seek lands there).
std::unique_ptr<InternalIterator> MergeFailingAtF(bool seek_only = false) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(
      std::make_unique<VectorIterator>(Entries{{"a", "1"}, {"c", "3"}, {"e", "5"}, {"g", "7"}}));
  auto failing =
      std::make_unique<VectorIterator>(Entries{{"b", "2"}, {"d", "4"}, {"f", "6"}, {"h", "8"}});
  failing->FailAt(2, Status::Corruption("child 1 at f"), seek_only);
  children.push_back(std::move(failing));
  return NewMergingIterator(BytewiseComparator(), std::move(children));
}

// A child failing in the middle ends the merge there, whatever the move that met the
// failure, and for good.
TEST(MergingIteratorTest, ChildFailingMidwayEndsTheMerge) {
  auto expect_failed = [](InternalIterator* it) {
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid());
    it->SeekToLast();
    EXPECT_FALSE(it->Valid());
    it->Seek("a");
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->status().IsCorruption());
  };
  {  // Next
    auto it = MergeFailingAtF();
    std::string keys;
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys += it->key();
    EXPECT_EQ("abcd", keys);
    expect_failed(it.get());
  }
  {  // Prev
    auto it = MergeFailingAtF();
    std::string keys;
    for (it->SeekToLast(); it->Valid(); it->Prev()) keys += it->key();
    EXPECT_EQ("h", keys);
    expect_failed(it.get());
  }
  {  // Seek
    auto it = MergeFailingAtF();
    it->Seek("e");
    expect_failed(it.get());
  }
  {  // a switch to backward re-seeks the failing child
    auto it = MergeFailingAtF();
    it->Seek("g");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ("g", it->key());
    it->Prev();
    expect_failed(it.get());
  }
  {  // a switch to forward re-seeks the failing child
    auto it = MergeFailingAtF(/*seek_only=*/true);
    std::string keys;
    for (it->SeekToLast(); it->Valid() && keys.size() < 3; it->Prev()) keys += it->key();
    ASSERT_EQ("hgf", keys);
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ("e", it->key());
    it->Next();  // the failing child, at d, seeks "e" and lands on f
    expect_failed(it.get());
  }
}

}  // namespace
}  // namespace lsmdb
