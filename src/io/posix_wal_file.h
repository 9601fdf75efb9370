// PosixWalFile: a WritableFile for write-ahead logs that appends by copying into a shared
// memory mapping of the file, so an Append costs no system call.
//
// Why this keeps the durability promise (docs/DESIGN.md §1): the pages of a MAP_SHARED mapping
// are the kernel's page cache of the file, so bytes copied into them belong to the file
// as soon as the copy ends; a process crash right after Append loses nothing, exactly as
// after a write(). Sync() is fdatasync(), which on Linux writes back pages dirtied through
// the mapping as well as by write(), and the file size.
//
// The file grows in windows (64 KiB, doubling up to 1 MiB): each is first allocated with
// fallocate() - so a full disk is a NoSpace status from Append, never a SIGBUS while
// copying - then mapped. Until Close() the file is longer than what was appended, the
// rest being zeros; Close() unmaps and truncates it to Size(). A process that dies first
// leaves the zeros, which log::Reader reads as the end of the log. Pages are made
// writable 64 KiB ahead (MADV_POPULATE_WRITE, not a fault per page). No writeback is
// started ahead of Sync(): a log the DB deletes before the kernel writes it back costs
// no disk bandwidth at all.
//
// Thread-safety: not synchronised; one thread at a time.
#ifndef LSMDB_IO_POSIX_WAL_FILE_H_
#define LSMDB_IO_POSIX_WAL_FILE_H_

#include <memory>
#include <string>

#include "lsmdb/file_system.h"

namespace lsmdb {

// Takes ownership of fd, an empty file opened for reading and writing, and allocates the
// first window. On NotSupported (the file system has no fallocate or cannot map the
// file) fd is left open and still owned by the caller, which should write with write()
// instead; on any other error fd is closed.
Status NewPosixWalFile(const std::string& path, int fd, std::unique_ptr<WritableFile>* result);

}  // namespace lsmdb

#endif  // LSMDB_IO_POSIX_WAL_FILE_H_
