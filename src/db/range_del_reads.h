// How reads honour range tombstones: they gather the tombstones of a ReadView (its
// memtables and the tables that hold any) and compare sequences. A key's entry with
// sequence s is deleted for a reader at snapshot S when a tombstone covering the key has
// s < seq <= S; where the tombstone and the entry live (which level) does not matter.
#ifndef LSMDB_DB_RANGE_DEL_READS_H_
#define LSMDB_DB_RANGE_DEL_READS_H_

#include <memory>
#include <string_view>
#include <vector>

#include "memtable/memtable.h"
#include "util/range_tombstone.h"
#include "version/table_cache.h"
#include "version/version.h"

namespace lsmdb {

struct ReadView;

// The tables of v with range tombstones, for ReadView::range_del_files.
std::vector<const FileMetaData*> FilesWithRangeTombstones(const Version& v);

// Whether the view holds any range tombstone (cheap).
bool HasRangeTombstones(const ReadView& view);

// Every tombstone of the view with sequence <= snapshot, fragmented; null if none.
Status CollectRangeTombstones(const ReadView& view, TableCache* tables, const Comparator* ucmp,
                              SequenceNumber snapshot,
                              std::shared_ptr<const FragmentedRangeTombstones>* out);

// The greatest sequence <= snapshot of a tombstone of the view covering user_key (0 if
// none) in *seq.
Status MaxCoveringTombstone(const ReadView& view, TableCache* tables, std::string_view user_key,
                            SequenceNumber snapshot, SequenceNumber* seq);

}  // namespace lsmdb

#endif  // LSMDB_DB_RANGE_DEL_READS_H_
