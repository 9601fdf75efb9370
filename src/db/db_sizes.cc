// DB::GetApproximateSizes and DB::GetApproximateMemTableStats: how much space a key
// range takes, from the tables' index blocks and the memtables, without reading data.
#include "db/db_impl.h"

namespace lsmdb {
namespace {

// The internal key before every entry of user_key.
std::string SeekKey(std::string_view user_key) {
  std::string ikey;
  AppendInternalKey(&ikey, user_key, kMaxSequenceNumber, kValueTypeForSeek);
  return ikey;
}

// Adds the entries of mem in [start, limit) to *count and *size.
void AddMemTableStats(const MemTable& mem, const Comparator* ucmp, std::string_view start,
                      std::string_view limit, uint64_t* count, uint64_t* size) {
  auto it = mem.NewIterator();
  for (it->Seek(SeekKey(start)); it->Valid(); it->Next()) {
    if (ucmp->Compare(ExtractUserKey(it->key()), limit) >= 0) break;
    ++*count;
    *size += it->key().size() + it->value().size();
  }
}

}  // namespace

Status DBImpl::GetApproximateSizes(const SizeApproximationOptions& options, const Range* ranges,
                                   int n, uint64_t* sizes) {
  if (n < 0) return Status::InvalidArgument("GetApproximateSizes: n is negative");
  if (n > 0 && (ranges == nullptr || sizes == nullptr)) {
    return Status::InvalidArgument("GetApproximateSizes: ranges or sizes is null");
  }
  if (!options.include_files && !options.include_memtables) {
    return Status::InvalidArgument(
        "GetApproximateSizes: neither include_files nor include_memtables is set");
  }
  std::shared_ptr<const ReadView> view = GetReadView();
  const Comparator* ucmp = icmp_.user_comparator();
  for (int i = 0; i < n; i++) {
    sizes[i] = 0;
    const Range& r = ranges[i];
    if (ucmp->Compare(r.start, r.limit) >= 0) continue;
    if (options.include_files) {
      const uint64_t begin = view->version->ApproximateOffsetOf(SeekKey(r.start));
      const uint64_t end = view->version->ApproximateOffsetOf(SeekKey(r.limit));
      sizes[i] += end > begin ? end - begin : 0;
    }
    if (options.include_memtables) {
      uint64_t count = 0;
      AddMemTableStats(*view->mem, ucmp, r.start, r.limit, &count, &sizes[i]);
      for (const auto& imm : view->imm) {
        AddMemTableStats(*imm, ucmp, r.start, r.limit, &count, &sizes[i]);
      }
    }
  }
  return Status::OK();
}

void DBImpl::GetApproximateMemTableStats(const Range& range, uint64_t* count, uint64_t* size) {
  *count = 0;
  *size = 0;
  const Comparator* ucmp = icmp_.user_comparator();
  if (ucmp->Compare(range.start, range.limit) >= 0) return;
  std::shared_ptr<const ReadView> view = GetReadView();
  AddMemTableStats(*view->mem, ucmp, range.start, range.limit, count, size);
  for (const auto& imm : view->imm) {
    AddMemTableStats(*imm, ucmp, range.start, range.limit, count, size);
  }
}

}  // namespace lsmdb
