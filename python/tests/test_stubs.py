"""The type stubs name every public class, method and function of the package."""

import ast
import os

import lsmdb


def stub_names():
    path = os.path.join(os.path.dirname(lsmdb.__file__), "__init__.pyi")
    if not os.path.exists(path):  # an in-tree build keeps the stubs beside __init__.py
        path = os.path.join(os.path.dirname(__file__), "..", "lsmdb", "__init__.pyi")
    tree = ast.parse(open(path).read())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif isinstance(node, ast.FunctionDef):
            out[node.name] = set()
    return out


def test_stubs_cover_the_api():
    stubs = stub_names()
    for name in lsmdb.__all__:
        assert name in stubs, name
        obj = getattr(lsmdb, name)
        if isinstance(obj, type) and not issubclass(obj, Exception):
            public = {m for m in dir(obj) if not m.startswith("_")}
            public -= {"db", "prefix", "name", "closed"}  # attributes, stubbed as such
            assert public <= stubs[name], (name, public - stubs[name])
