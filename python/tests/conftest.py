"""Fixtures: `mod` runs a test against lsmdb and, where installed, against plyvel, so the
two are shown to agree; `db` is a fresh database of that module."""

import importlib

import pytest

import lsmdb

try:
    plyvel = importlib.import_module("plyvel")
except ImportError:  # the differential half is skipped, never reported as passed
    plyvel = None


@pytest.fixture(params=["lsmdb", "plyvel"])
def mod(request):
    if request.param == "plyvel":
        if plyvel is None:
            pytest.skip("plyvel is not installed (Debian: python3-plyvel)")
        return plyvel
    return lsmdb


@pytest.fixture
def db(mod, tmp_path):
    d = mod.DB(str(tmp_path / "db"), create_if_missing=True)
    yield d
    d.close()


@pytest.fixture
def ldb(tmp_path):
    d = lsmdb.DB(str(tmp_path / "db"), create_if_missing=True)
    yield d
    d.close()


def fill(db, keys, value=b"v"):
    for k in keys:
        db.put(k, value + k)


def keys_of(it):
    return [k for k in it]
