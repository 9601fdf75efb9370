"""A hypothesis state machine: random puts, deletes, batches, reads, scans, snapshots
and reopens against a dict model (hypothesis prints the failing steps and its seed)."""

import shutil
import tempfile

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

import lsmdb

keys = st.binary(min_size=0, max_size=4).map(lambda b: b"k" + b)
values = st.binary(max_size=32)


class DBModel(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="lsmdb-hyp-")
        self.path = self.dir + "/db"
        self.db = lsmdb.DB(self.path, create_if_missing=True, write_buffer_size=64 << 10)
        self.model = {}
        self.snap = None
        self.snap_model = None

    def teardown(self):
        if self.snap is not None:
            self.snap.close()
        self.db.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(k=keys, v=values)
    def put(self, k, v):
        self.db.put(k, v)
        self.model[k] = v

    @rule(k=keys)
    def delete(self, k):
        self.db.delete(k)
        self.model.pop(k, None)

    @rule(ops=st.lists(st.tuples(keys, st.one_of(st.none(), values)), max_size=8),
          fail=st.booleans())
    def batch(self, ops, fail):
        try:
            with self.db.write_batch(transaction=True) as wb:
                for k, v in ops:
                    wb.delete(k) if v is None else wb.put(k, v)
                if fail:
                    raise KeyError("abort")
        except KeyError:
            return
        for k, v in ops:
            self.model.pop(k, None) if v is None else self.model.__setitem__(k, v)

    @rule(k=keys)
    def get(self, k):
        assert self.db.get(k) == self.model.get(k)

    @rule(start=st.one_of(st.none(), keys), stop=st.one_of(st.none(), keys),
          reverse=st.booleans(), inc_start=st.booleans(), inc_stop=st.booleans())
    def scan(self, start, stop, reverse, inc_start, inc_stop):
        def inside(k):
            return ((start is None or k > start or (inc_start and k == start)) and
                    (stop is None or k < stop or (inc_stop and k == stop)))
        want = sorted((k for k in self.model if inside(k)), reverse=reverse)
        got = list(self.db.iterator(start=start, stop=stop, reverse=reverse,
                                    include_start=inc_start, include_stop=inc_stop,
                                    include_value=False))
        assert got == want

    @rule()
    def take_snapshot(self):
        if self.snap is not None:
            self.snap.close()
        self.snap = self.db.snapshot()
        self.snap_model = dict(self.model)

    @precondition(lambda self: self.snap is not None)
    @rule()
    def check_snapshot(self):
        assert dict(self.snap.iterator()) == self.snap_model

    @rule()
    def reopen(self):
        if self.snap is not None:
            self.snap.close()
            self.snap = None
        self.db.close()
        self.db = lsmdb.DB(self.path, write_buffer_size=64 << 10)

    @rule()
    def flush(self):
        self.db.flush()


DBModel.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None,
                                   database=None)
TestDBModel = DBModel.TestCase
