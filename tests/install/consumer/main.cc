// Opens a database, writes, reopens and reads back: proof that the installed headers
// and library work on their own.
#include <lsmdb/db.h>

#include <cstdio>
#include <memory>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const lsmdb::Options options{.create_if_missing = true};  // clean under -Wextra -Werror
  std::unique_ptr<lsmdb::DB> db;
  lsmdb::Status s = lsmdb::DB::Open(options, argv[1], &db);
  if (s.ok()) s = db->Put(lsmdb::WriteOptions{.sync = true}, "hello", "world");
  db.reset();
  if (s.ok()) s = lsmdb::DB::Open(options, argv[1], &db);
  std::string value;
  if (s.ok()) s = db->Get(lsmdb::ReadOptions{}, "hello", &value);
  if (!s.ok() || value != "world") {
    std::fprintf(stderr, "consumer: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("consumer: hello=%s\n", value.c_str());
  return 0;
}
