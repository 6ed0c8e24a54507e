"""Start and stop a real ``chroma run`` server on a free loopback port (tests, benchmarks)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_executable() -> str:
    """The ``chroma`` CLI beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("chroma")
    if beside.exists():
        return str(beside)
    found = shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command is not installed (pip install chromadb)")
    return found


class ChromaServer:
    """A ``chroma run`` child process; use as a context manager or call start/stop."""

    def __init__(self, path: Path, *, port: int | None = None, timeout: float = 60.0) -> None:
        self.path = path
        self.port = port or free_port()
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = path.with_name(path.name + ".log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        cmd = [chroma_executable(), "run", "--path", str(self.path)]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=_env())
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma server exited early; see {self.log_path}")
            if self.alive():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma server did not answer within {self.timeout:.0f}s")

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["ANONYMIZED_TELEMETRY"] = "False"
    return env
