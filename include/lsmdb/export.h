// LSMDB_EXPORT marks the symbols of the public API. Everything else in the shared
// library is hidden (-fvisibility=hidden).
#ifndef LSMDB_EXPORT_H_
#define LSMDB_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define LSMDB_EXPORT [[gnu::visibility("default")]]
#else
#define LSMDB_EXPORT
#endif

#endif  // LSMDB_EXPORT_H_
