#include "lsmdb/file_system.h"

namespace lsmdb {

SequentialFile::~SequentialFile() = default;
RandomAccessFile::~RandomAccessFile() = default;
WritableFile::~WritableFile() = default;
FileLock::~FileLock() = default;
FileSystem::~FileSystem() = default;

}  // namespace lsmdb
