"""PEP 517 build backend of the lsmdb Python package.

pip calls build_wheel(): CMake builds the engine and the extension module for the
interpreter running pip (python/CMakeLists.txt), and the wheel is packed here, so the
build needs no Python package beyond pip itself (no setuptools, no wheel, no network).

For the tests, `python3 build_backend.py --inplace [--lib build/release/src/liblsmdb.a]`
builds the module into python/lsmdb/ for that interpreter, for use with PYTHONPATH=python.
"""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

NAME = "lsmdb"
VERSION = "0.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_FILES = ["__init__.py", "__init__.pyi", "py.typed"]


def _tag():
    impl = "cp" if sys.implementation.name == "cpython" else sys.implementation.name[:2]
    version = "%d%d" % sys.version_info[:2]
    abi = impl + version + getattr(sys, "abiflags", "")
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "%s%s-%s-%s" % (impl, version, abi, plat)


def _build(static_lib=None):
    """Builds lsmdb/_lsmdb for this interpreter; returns the module's path."""
    sanitize = os.environ.get("LSMDB_PY_SANITIZE", "")
    build_dir = os.path.join(HERE, "build", _tag() + ("-prebuilt" if static_lib else "") +
                             ("-" + sanitize.replace(",", "-") if sanitize else ""))
    args = ["cmake", "-S", HERE, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
            "-DPython3_EXECUTABLE=" + sys.executable,
            "-DLSMDB_STATIC_LIB=" + (os.path.abspath(static_lib) if static_lib else ""),
            "-DLSMDB_PY_SANITIZE=" + sanitize]
    if shutil.which("ninja"):
        args += ["-G", "Ninja"]
    subprocess.check_call(args, stdout=subprocess.DEVNULL)
    jobs = os.environ.get("LSMDB_JOBS", str(os.cpu_count() or 2))
    subprocess.check_call(["cmake", "--build", build_dir, "-j", jobs, "--target", "_lsmdb"])
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    module = os.path.join(build_dir, "_lsmdb" + suffix)
    if not os.path.exists(module):
        raise RuntimeError("the build did not produce " + module)
    return module


def _metadata():
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
            "Summary: Python bindings of lsmdb, with plyvel's API\n"
            "Requires-Python: >=3.9\n" % (NAME, VERSION))


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    module = _build(os.environ.get("LSMDB_STATIC_LIB") or None)
    tag = _tag()
    wheel_name = "%s-%s-%s.whl" % (NAME, VERSION, tag)
    dist_info = "%s-%s.dist-info" % (NAME, VERSION)
    files = []
    for f in PACKAGE_FILES:
        with open(os.path.join(HERE, NAME, f), "rb") as fh:
            files.append((NAME + "/" + f, fh.read()))
    with open(module, "rb") as fh:
        files.append((NAME + "/" + os.path.basename(module), fh.read()))
    files.append((dist_info + "/METADATA", _metadata().encode()))
    wheel = "Wheel-Version: 1.0\nGenerator: lsmdb build_backend\nRoot-Is-Purelib: false\n"
    files.append((dist_info + "/WHEEL", (wheel + "Tag: %s\n" % tag).encode()))
    files.append((dist_info + "/top_level.txt", (NAME + "\n").encode()))
    record = [_record_line(a, d) for a, d in files] + [dist_info + "/RECORD,,"]
    files.append((dist_info + "/RECORD", ("\n".join(record) + "\n").encode()))
    path = os.path.join(wheel_directory, wheel_name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for arcname, data in files:
            z.writestr(arcname, data)
    return wheel_name


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = "%s-%s.dist-info" % (NAME, VERSION)
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w") as fh:
        fh.write(_metadata())
    return dist_info


def main(argv):
    if len(argv) >= 1 and argv[0] == "--inplace":
        lib = argv[2] if len(argv) >= 3 and argv[1] == "--lib" else None
        module = _build(lib)
        shutil.copy2(module, os.path.join(HERE, NAME, os.path.basename(module)))
        print("built " + os.path.join(HERE, NAME, os.path.basename(module)))
        return 0
    print("usage: python3 build_backend.py --inplace [--lib path/to/liblsmdb.a]",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
