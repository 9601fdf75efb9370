// The built-in merge operators (include/lsmdb/merge_operators.h).
#include "lsmdb/merge_operators.h"

#include <algorithm>
#include <string>

#include "util/coding.h"

namespace lsmdb {

MergeOperator::~MergeOperator() = default;

bool MergeOperator::PartialMerge(std::string_view, std::string_view, std::string_view,
                                 std::string*) const {
  return false;
}

namespace {

class UInt64AddOperator final : public MergeOperator {
 public:
  const char* Name() const override { return "lsmdb.UInt64Add"; }

  bool FullMerge(std::string_view, const std::string_view* existing,
                 std::span<const std::string_view> operands,
                 std::string* new_value) const override {
    uint64_t sum = 0;
    if (existing != nullptr && !Add(*existing, &sum)) return false;
    for (std::string_view op : operands) {
      if (!Add(op, &sum)) return false;
    }
    PutFixed64(new_value, sum);
    return true;
  }

  bool PartialMerge(std::string_view, std::string_view left, std::string_view right,
                    std::string* new_value) const override {
    uint64_t sum = 0;
    if (!Add(left, &sum) || !Add(right, &sum)) return false;
    PutFixed64(new_value, sum);
    return true;
  }

 private:
  static bool Add(std::string_view v, uint64_t* sum) {
    if (v.size() != 8) return false;
    *sum += DecodeFixed64(v.data());
    return true;
  }
};

class StringAppendOperator final : public MergeOperator {
 public:
  explicit StringAppendOperator(std::string_view delimiter) : delimiter_(delimiter) {}
  const char* Name() const override { return "lsmdb.StringAppend"; }

  bool FullMerge(std::string_view, const std::string_view* existing,
                 std::span<const std::string_view> operands,
                 std::string* new_value) const override {
    bool first = true;
    if (existing != nullptr) {
      new_value->assign(*existing);
      first = false;
    }
    for (std::string_view op : operands) {
      if (!first) new_value->append(delimiter_);
      new_value->append(op);
      first = false;
    }
    return true;
  }

  bool PartialMerge(std::string_view, std::string_view left, std::string_view right,
                    std::string* new_value) const override {
    new_value->assign(left);
    new_value->append(delimiter_);
    new_value->append(right);
    return true;
  }

 private:
  const std::string delimiter_;
};

class MaxOperator final : public MergeOperator {
 public:
  const char* Name() const override { return "lsmdb.Max"; }

  bool FullMerge(std::string_view, const std::string_view* existing,
                 std::span<const std::string_view> operands,
                 std::string* new_value) const override {
    std::string_view best = existing != nullptr ? *existing : operands.front();
    for (std::string_view op : operands) best = std::max(best, op);
    new_value->assign(best);
    return true;
  }

  bool PartialMerge(std::string_view, std::string_view left, std::string_view right,
                    std::string* new_value) const override {
    new_value->assign(std::max(left, right));
    return true;
  }
};

}  // namespace

std::shared_ptr<MergeOperator> NewUInt64AddOperator() {
  return std::make_shared<UInt64AddOperator>();
}

std::shared_ptr<MergeOperator> NewStringAppendOperator(std::string_view delimiter) {
  return std::make_shared<StringAppendOperator>(delimiter);
}

std::shared_ptr<MergeOperator> NewMaxOperator() { return std::make_shared<MaxOperator>(); }

std::shared_ptr<MergeOperator> NewMergeOperatorByName(std::string_view name) {
  if (name == "uint64add" || name == "lsmdb.UInt64Add") return NewUInt64AddOperator();
  if (name == "stringappend" || name == "lsmdb.StringAppend") return NewStringAppendOperator();
  if (name == "max" || name == "lsmdb.Max") return NewMaxOperator();
  return nullptr;
}

}  // namespace lsmdb
