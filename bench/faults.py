"""Faults we cause ourselves: a TCP proxy we can cut and a private redis-server we can stop
or freeze. Used by the fault tests (tests/test_faults.py) and the benchmark's fault scenario
(bench/fault.py). Never touches the shared PostgreSQL or Redis: the proxy stands between the
application and the database, and the redis-server is our own, on a port of our own.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time


def free_port(first: int = 18800, last: int = 18899, exclude=()) -> int:
    """A port nobody listens on, from the range this machine gives us
    (FAULT_PORTS="18800-18899" overrides it)."""
    span = os.environ.get("FAULT_PORTS", "")
    if span:
        first, last = (int(part) for part in span.split("-"))
    ports = [port for port in range(first, last + 1) if port not in exclude]
    start = os.getpid() % len(ports)  # parallel runs start at different places
    for port in ports[start:] + ports[:start]:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


class TcpProxy:
    """127.0.0.1:<port> relayed to `target`. cut(): refuse new connections and drop open
    ones, as a database that went away; restore(): relay again on the same port."""

    def __init__(self, target: tuple[str, int], port: int | None = None, exclude=()):
        self.target = target
        self.port = port or free_port(exclude=exclude)
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    restore = start

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self.lock:
            dropped, self.open = self.open, set()
        for sock in dropped:
            _close(sock)

    stop = cut

    @property
    def is_up(self) -> bool:
        return self.listener is not None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                if self.listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self.open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with self.lock:
                    self.open.discard(sock)
                _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class RedisServer:
    """A private redis-server (no persistence) that can be stopped, started again on the
    same port, or frozen (SIGSTOP) to play a stalled Redis."""

    def __init__(self, port: int | None = None, exclude=()):
        self.port = port or free_port(exclude=exclude)
        self.process: subprocess.Popen | None = None
        self.folder = tempfile.mkdtemp(prefix="newsroom-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, wait: float = 10) -> "RedisServer":
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder, "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def pause(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
