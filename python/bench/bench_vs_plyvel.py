"""lsmdb against plyvel (Debian's LevelDB) from Python, in one run.

    PYTHONPATH=python /usr/bin/python3 python/bench/bench_vs_plyvel.py [--num N] [--runs R]

Loads (each engine the same keys and values, in the same order, with the same options:
16-byte keys, 100-byte values, snappy, 10 bloom bits per key, 4 MiB memtables,
8 MiB block cache):
  put      N db.put() calls, keys in random order, into a fresh database
  get      N db.get() calls of random present keys
  iterate  one forward scan of the N entries (for k, v in db)
  batch    N puts in write batches of 1000, keys in random order, into a fresh database
Prints ops/s per engine (median of the runs) and the ratio lsmdb / plyvel.
"""

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time

import lsmdb
import plyvel

# The options of docs/PERFORMANCE.md's standard comparison (4 MiB memtables, LevelDB's
# default; 8 MiB block cache; 10 bloom bits), with snappy.
OPTIONS = dict(create_if_missing=True, compression="snappy", bloom_filter_bits=10,
               lru_cache_size=8 << 20, write_buffer_size=4 << 20)


def workloads(mod, root, keys, value, reads):
    path = os.path.join(root, mod.__name__)
    out = {}
    db = mod.DB(path, **OPTIONS)
    put = db.put
    t = time.perf_counter()
    for k in keys:
        put(k, value)
    out["put"] = time.perf_counter() - t
    get = db.get
    t = time.perf_counter()
    for k in reads:
        get(k)
    out["get"] = time.perf_counter() - t
    t = time.perf_counter()
    n = 0
    for _k, _v in db:
        n += 1
    out["iterate"] = time.perf_counter() - t
    assert n == len(keys), (mod.__name__, n)
    db.close()
    shutil.rmtree(path)
    db = mod.DB(path, **OPTIONS)
    t = time.perf_counter()
    for i in range(0, len(keys), 1000):
        with db.write_batch() as wb:
            bput = wb.put
            for k in keys[i:i + 1000]:
                bput(k, value)
    out["batch"] = time.perf_counter() - t
    db.close()
    shutil.rmtree(path)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--num", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=301)
    ap.add_argument("--dir", default=None, help="where the databases go (default: a temp dir)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    keys = [b"%016d" % i for i in range(args.num)]
    rng.shuffle(keys)
    reads = [keys[rng.randrange(args.num)] for _ in range(args.num)]
    value = bytes(rng.randrange(32, 127) for _ in range(50)) * 2
    root = tempfile.mkdtemp(prefix="lsmdb-pybench-", dir=args.dir)
    results = {"lsmdb": [], "plyvel": []}
    try:
        for run in range(args.runs):
            order = [lsmdb, plyvel] if run % 2 == 0 else [plyvel, lsmdb]
            for mod in order:
                r = workloads(mod, root, keys, value, reads)
                results[mod.__name__].append(r)
                print("run %d %-6s " % (run + 1, mod.__name__) +
                      " ".join("%s %.2fs" % (k, v) for k, v in r.items()), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("\n%d records, median of %d runs (ops/s)" % (args.num, args.runs))
    print("%-8s %12s %12s %8s" % ("load", "lsmdb", "plyvel", "ratio"))
    for load in ["put", "get", "iterate", "batch"]:
        lt = statistics.median(r[load] for r in results["lsmdb"])
        pt = statistics.median(r[load] for r in results["plyvel"])
        print("%-8s %12.0f %12.0f %7.2fx" % (load, args.num / lt, args.num / pt, pt / lt))


if __name__ == "__main__":
    main()
