// SeekBudget (a table's reads before a seek compaction) and Version::ChargeForKey (which
// table an iterator read charges).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "version/version.h"

namespace lsmdb {
namespace {

TEST(SeekBudgetTest, EmptyBudgetNeverSpends) {
  SeekBudget budget;
  EXPECT_EQ(0, budget.left());
  EXPECT_FALSE(budget.Charge());
  EXPECT_FALSE(budget.Charge(8));
  EXPECT_EQ(0, budget.left());  // an empty budget is not written to
}

TEST(SeekBudgetTest, FillFromSize) {
  SeekBudget budget;
  budget.Fill(0);
  EXPECT_EQ(SeekBudget::kMinSeeks, budget.left());
  budget.Fill(1000 * SeekBudget::kBytesPerSeek + 5);
  EXPECT_EQ(1000, budget.left());
  budget.Fill(uint64_t{1} << 62);
  EXPECT_EQ(INT32_MAX, budget.left());
  // Copies start empty: a FileMetaData copied into a new Version is filled anew.
  SeekBudget copy(budget);
  EXPECT_EQ(0, copy.left());
  budget = copy;
  EXPECT_EQ(0, budget.left());
}

TEST(SeekBudgetTest, ExactlyOneChargeSpendsTheLastSeek) {
  SeekBudget budget;
  budget.Fill(0);  // kMinSeeks = 100
  int spent = 0;
  for (int i = 0; i < 99; i++) spent += budget.Charge() ? 1 : 0;
  EXPECT_EQ(0, spent);
  EXPECT_TRUE(budget.Charge());
  EXPECT_FALSE(budget.Charge());
  EXPECT_FALSE(budget.Charge(8));

  // Charges of several seeks: the one crossing zero spends it, even past zero.
  budget.Fill(0);
  for (int i = 0; i < 12; i++) EXPECT_FALSE(budget.Charge(8));  // 96 spent
  EXPECT_TRUE(budget.Charge(8));                                // 104 > 100
  EXPECT_FALSE(budget.Charge(8));
}

TEST(SeekBudgetTest, ConcurrentChargesSpendItOnce) {
  SeekBudget budget;
  budget.Fill(400 * SeekBudget::kBytesPerSeek);
  std::atomic<int> spent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; i++) {
        if (budget.Charge(1 + i % 3)) spent++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(1, spent.load());
}

std::shared_ptr<FileMetaData> File(uint64_t number, std::string_view lo, std::string_view hi) {
  auto f = std::make_shared<FileMetaData>();
  f->number = number;
  f->file_size = 1000;
  AppendInternalKey(&f->smallest, lo, 100, ValueType::kValue);
  AppendInternalKey(&f->largest, hi, 100, ValueType::kValue);
  return f;
}

class ChargeForKeyTest : public ::testing::Test {
 protected:
  uint64_t Charged(std::string_view user_key, int* level = nullptr) {
    SeekCharge c = v_.ChargeForKey(user_key);
    if (level != nullptr) *level = c.level;
    return c.file == nullptr ? 0 : c.file->number;
  }
  InternalKeyComparator icmp_{BytewiseComparator()};
  Version v_{&icmp_, nullptr, 4};
};

TEST_F(ChargeForKeyTest, FirstOfTwoTablesHoldingTheKey) {
  // L0 newest first: #9 [m, p], #8 [a, f]. L1: #5 [a, c], #6 [e, h]. L2: #2 [a, z].
  v_.TEST_AppendFile(0, File(9, "m", "p"));
  v_.TEST_AppendFile(0, File(8, "a", "f"));
  v_.TEST_AppendFile(1, File(5, "a", "c"));
  v_.TEST_AppendFile(1, File(6, "e", "h"));
  v_.TEST_AppendFile(2, File(2, "a", "z"));
  int level = -1;
  EXPECT_EQ(8u, Charged("b", &level));  // #8, #5 and #2 hold it
  EXPECT_EQ(0, level);
  EXPECT_EQ(8u, Charged("f"));          // #8 (its last key), #6, #2
  EXPECT_EQ(6u, Charged("g", &level));  // #6 then #2
  EXPECT_EQ(1, level);
  EXPECT_EQ(9u, Charged("n"));   // #9 then #2
  EXPECT_EQ(8u, Charged("d"));   // #8 and #2 (d is between #5 and #6)
  EXPECT_EQ(0u, Charged("q"));   // only #2
  EXPECT_EQ(0u, Charged("zz"));  // none
}

TEST_F(ChargeForKeyTest, SingleRunChargesNothing) {
  v_.TEST_AppendFile(2, File(1, "a", "f"));
  v_.TEST_AppendFile(2, File(2, "g", "m"));
  for (std::string_view k : {"a", "c", "f", "g", "m", "z"}) EXPECT_EQ(0u, Charged(k)) << k;
}

}  // namespace
}  // namespace lsmdb
