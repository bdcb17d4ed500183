"""Run a server process until a block ends: the test suite's live servers and the benchmarks (bench/run.py)."""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx


@contextmanager
def serving(
    cmd: list[str],
    env: dict[str, str],
    ready_url: str,
    *,
    # Generous: a fresh process imports the whole app, which takes over 30 s on a busy 2-core machine.
    timeout: float = 120,
    log: IO[bytes] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `cmd`, return once `ready_url` answers 200, stop the process when the block ends."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT if log else None)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(ready_url, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not answer {ready_url} (exit code {proc.poll()})")
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
