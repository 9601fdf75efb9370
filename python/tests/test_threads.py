"""One DB shared by threads: writers, readers, iterators and a closer; the GIL is released
during engine calls, so threads overlap (LSMDB_TEST_SEED sets the seed, which is printed)."""

import os
import random
import threading

import pytest

import lsmdb


def seed():
    s = int(os.environ.get("LSMDB_TEST_SEED", random.randrange(1 << 30)))
    print("LSMDB_TEST_SEED=%d" % s)
    return s


def run(threads):
    errors = []

    def wrap(fn):
        def body():
            try:
                fn()
            except BaseException as e:  # noqa: B902 - reported below
                errors.append(e)
        return body

    ts = [threading.Thread(target=wrap(f)) for f in threads]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def test_writers_and_readers_agree(ldb):
    rng = random.Random(seed())
    n, writers = 2000, 4
    plans = [[rng.randrange(n) for _ in range(n)] for _ in range(writers)]

    def writer(w):
        def body():
            for i in plans[w]:
                # Each key's value names its writer and key: readers can check any value.
                ldb.put(b"k%05d" % i, b"w%d-%05d" % (w, i))
                if i % 7 == 0:
                    with ldb.write_batch() as wb:
                        wb.put(b"b%05d" % i, b"%05d" % i)
        return body

    def reader():
        for _ in range(3000):
            i = rng.randrange(n)
            v = ldb.get(b"k%05d" % i)
            assert v is None or v.endswith(b"-%05d" % i)

    def scanner():
        for _ in range(20):
            prev = None
            for k, v in ldb.iterator(prefix=b"k"):
                assert prev is None or k > prev
                assert v.endswith(k[1:])
                prev = k

    run([writer(w) for w in range(writers)] + [reader, reader, scanner])
    written = {b"k%05d" % i for p in plans for i in p}
    assert set(ldb.iterator(prefix=b"k", include_value=False)) == written


def test_shared_iterator_between_threads(ldb):
    for i in range(1000):
        ldb.put(b"%04d" % i, b"v")
    it = ldb.iterator(include_value=False)
    seen = []
    lock = threading.Lock()

    def consume():
        for k in it:
            with lock:
                seen.append(k)

    run([consume] * 4)
    assert sorted(seen) == [b"%04d" % i for i in range(1000)]


def test_close_while_threads_work(tmp_path):
    db = lsmdb.DB(str(tmp_path / "d"), create_if_missing=True)
    for i in range(500):
        db.put(b"%04d" % i, b"v")
    started = threading.Barrier(4)

    def worker():
        started.wait()
        try:
            while True:
                db.get(b"0001")
                for _ in db.iterator():
                    pass
                db.put(b"x", b"y")
        except RuntimeError:
            return  # the database was closed: the documented error, never a crash

    def closer():
        started.wait()
        db.close()

    run([worker, worker, worker, closer])
    assert db.closed
    with pytest.raises(RuntimeError):
        db.get(b"0001")


def test_batch_changed_while_another_thread_writes_it(ldb):
    wb = ldb.write_batch()
    for i in range(20000):
        wb.put(b"%06d" % i, b"x" * 100)
    refused = []

    def writer():
        for _ in range(20):
            wb.write()

    def changer():
        for i in range(2000):
            try:
                wb.put(b"extra%04d" % i, b"y")
            except RuntimeError as e:  # refused while the batch is being written
                assert "being written" in str(e)
                refused.append(i)

    run([writer, changer])
    assert ldb.get(b"019999") == b"x" * 100
