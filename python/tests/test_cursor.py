"""Random walks of next/prev/seek over a few hundred entries (more than an iterator reads
ahead), run against plyvel as the model of the cursor semantics. LSMDB_TEST_SEED sets
the seed, which is printed."""

import os
import random

import pytest

import lsmdb
from conftest import plyvel


def walk(db, rng_seed, kw, keys):
    rng = random.Random(rng_seed)
    it = db.iterator(include_value=False, **kw)
    out = []
    for _ in range(600):
        op = rng.random()
        try:
            if op < 0.55:
                out.append(next(it))
            elif op < 0.85:
                out.append(it.prev())
            elif op < 0.95:
                target = rng.choice(keys) + (b"" if rng.random() < 0.5 else b"\x00")
                it.seek(target)
                out.append(("seek", target))
            elif op < 0.975:
                it.seek_to_start()
                out.append("start")
            else:
                it.seek_to_stop()
                out.append("stop")
        except StopIteration:
            out.append(StopIteration)
    return out


@pytest.mark.parametrize("kw", [dict(), dict(stop=b"k0250"), dict(stop=b"k0250",
                                                                   include_stop=True),
                                dict(reverse=True), dict(reverse=True, stop=b"k0300")])
def test_random_walks_agree_with_plyvel(tmp_path, kw):
    if plyvel is None:
        pytest.skip("plyvel is not installed (Debian: python3-plyvel)")
    seed = int(os.environ.get("LSMDB_TEST_SEED", random.randrange(1 << 30)))
    print("LSMDB_TEST_SEED=%d" % seed)
    keys = [b"k%04d" % i for i in range(0, 800, 2)]
    dbs = []
    for mod in (lsmdb, plyvel):
        d = mod.DB(str(tmp_path / mod.__name__), create_if_missing=True)
        for k in keys:
            d.put(k, b"v")
        dbs.append(d)
    try:
        for w in range(5):
            assert walk(dbs[0], seed + w, kw, keys) == walk(dbs[1], seed + w, kw, keys)
    finally:
        for d in dbs:
            d.close()
