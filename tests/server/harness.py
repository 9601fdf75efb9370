"""Starts and stops lsmdb-server, redis-server and nutcracker for the server tests.

Every process binds to 127.0.0.1 on a free port chosen here, runs in a private temporary
directory, and is stopped (then killed after a timeout) by stop(). Waits are bounded.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

SERVER = os.environ.get("LSMDB_SERVER", "")
DEADLINE = 10.0  # seconds any single wait may take


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=DEADLINE):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("process exited with %s before listening" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("port %d not listening after %ss" % (port, timeout))


class Proc:
    def __init__(self, argv, port, log):
        self.port = port
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(port, self.proc)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=DEADLINE)
        self.log.close()
        return self.proc.returncode


def start_lsmdb(dbdir, port=None, extra=()):
    if not SERVER:
        raise RuntimeError("LSMDB_SERVER is not set")
    port = port or free_port()
    argv = [SERVER, "--dir", dbdir, "--port", str(port)] + list(extra)
    return Proc(argv, port, dbdir.rstrip("/") + ".log")


def start_redis(workdir, port=None, extra=()):
    exe = shutil.which("redis-server")
    if exe is None:
        return None
    port = port or free_port()
    argv = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", workdir, "--daemonize", "no"] + list(extra)
    return Proc(argv, port, os.path.join(workdir, "redis-%d.log" % port))


def tempdir():
    return tempfile.mkdtemp(prefix="lsmdb-server-test-")


class Conn:
    """A raw RESP connection: send bytes, read exactly one reply's bytes."""

    def __init__(self, port, timeout=DEADLINE):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[: i + 2], self.buf[i + 2:]
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def reply(self):
        """The raw bytes of one complete reply (RESP2 or RESP3)."""
        line = self._line()
        t = line[:1]
        if t in (b"$", b"="):
            n = int(line[1:-2])
            return line if n < 0 else line + self._exact(n + 2)
        if t in (b"*", b"~", b">", b"%"):
            n = int(line[1:-2])
            if n < 0:
                return line
            n = n * 2 if t == b"%" else n
            return line + b"".join(self.reply() for _ in range(n))
        return line

    def closed(self, timeout=DEADLINE):
        """True if the peer closes the connection (after any pending bytes)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
