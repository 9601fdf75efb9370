// The iterator over one sorted level: a cursor over the file list, and the iterator of
// the current file, opened lazily through the table cache. The first error (a table that
// cannot be opened or read) is final: the iterator stays !Valid() with that status.
#include "version/version.h"

namespace lsmdb {
namespace {

class LevelIterator final : public InternalIterator {
 public:
  LevelIterator(const ReadOptions& options, const InternalKeyComparator* icmp,
                TableCache* table_cache, const FileList* files)
      : options_(options), icmp_(icmp), table_cache_(table_cache), files_(*files) {}

  bool Valid() const override { return file_iter_ != nullptr && file_iter_->Valid(); }

  void SeekToFirst() override {
    if (!status_.ok()) return;  // an error is final
    OpenFile(0);
    if (file_iter_) file_iter_->SeekToFirst();
    SkipEmptyForward();
  }
  void SeekToLast() override {
    if (!status_.ok()) return;
    OpenFile(files_.empty() ? 0 : files_.size() - 1);
    if (file_iter_) file_iter_->SeekToLast();
    SkipEmptyBackward();
  }
  void Seek(std::string_view target) override {
    if (!status_.ok()) return;
    OpenFile(FindFile(*icmp_, files_, target));
    if (file_iter_) file_iter_->Seek(target);
    SkipEmptyForward();
  }
  void Next() override {
    file_iter_->Next();
    SkipEmptyForward();
  }
  void Prev() override {
    file_iter_->Prev();
    SkipEmptyBackward();
  }
  std::string_view key() const override { return file_iter_->key(); }
  std::string_view value() const override { return file_iter_->value(); }
  Status status() const override {
    if (!status_.ok()) return status_;
    return file_iter_ ? file_iter_->status() : Status::OK();
  }
  // The key ranges of the files, then the filter of the one file that can hold user_key.
  // That file stays open, unpositioned, so that a Seek to the key reuses it.
  bool MayContainUserKey(std::string_view user_key) override {
    if (!status_.ok()) return true;  // a Seek then reports the error
    const Comparator& ucmp = *icmp_->user_comparator();
    const size_t index = FindFileForUserKey(ucmp, files_, user_key);
    if (index >= files_.size()) return false;
    if (ucmp.Compare(user_key, ExtractUserKey(files_[index]->smallest)) < 0) return false;
    OpenFile(index);
    return file_iter_ == nullptr || file_iter_->MayContainUserKey(user_key);
  }

 private:
  // Opens files_[index] (closing the current one); index == files_.size() means "past
  // the end".
  void OpenFile(size_t index) {
    if (file_iter_ != nullptr && index == index_) return;
    SaveStatus();
    file_iter_.reset();
    index_ = index;
    if (!status_.ok()) return;  // the level is over
    if (index < files_.size()) file_iter_ = table_cache_->NewIterator(options_, *files_[index]);
  }
  void SaveStatus() {
    if (file_iter_ != nullptr && status_.ok()) {
      Status s = file_iter_->status();
      if (!s.ok()) status_ = s;
    }
  }
  void SkipEmptyForward() {
    while (file_iter_ != nullptr && !file_iter_->Valid()) {
      if (!file_iter_->status().ok()) {
        SaveStatus();
        file_iter_.reset();
        return;
      }
      if (index_ + 1 >= files_.size()) {
        file_iter_.reset();
        index_ = files_.size();
        return;
      }
      OpenFile(index_ + 1);
      file_iter_->SeekToFirst();
    }
  }
  void SkipEmptyBackward() {
    while (file_iter_ != nullptr && !file_iter_->Valid()) {
      if (!file_iter_->status().ok()) {
        SaveStatus();
        file_iter_.reset();
        return;
      }
      if (index_ == 0) {
        file_iter_.reset();
        index_ = files_.size();
        return;
      }
      OpenFile(index_ - 1);
      file_iter_->SeekToLast();
    }
  }

  const ReadOptions options_;
  const InternalKeyComparator* const icmp_;
  TableCache* const table_cache_;
  const FileList& files_;  // borrowed: the caller keeps it alive
  size_t index_ = 0;
  std::unique_ptr<InternalIterator> file_iter_;
  Status status_;
};

}  // namespace

std::unique_ptr<InternalIterator> NewLevelIterator(const ReadOptions& options,
                                                   const InternalKeyComparator* icmp,
                                                   TableCache* table_cache, const FileList* files) {
  return std::make_unique<LevelIterator>(options, icmp, table_cache, files);
}

}  // namespace lsmdb
