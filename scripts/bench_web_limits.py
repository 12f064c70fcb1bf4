#!/usr/bin/env python3
"""What one client can make ``facecoach serve`` hold: memory for a huge POST, and
connections that trickle their request heads.

Starts ``facecoach serve`` (the checkout's ``src``, or ``--src DIR`` for another
tree, to compare) with a fresh data folder, then:

- posts 200 MB with the token to /profile, as fast as the server takes it,
  and reports the server's resident memory before and its peak after (VmHWM),
  and how much of the body it took before answering;
- opens 300 connections that each send one byte of a request head a second,
  and reports how many are still open after 30 s.

    .venv/bin/python scripts/bench_web_limits.py [--src DIR] [--connections 300] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _memory(pid: int, field: str) -> float:
    """A /proc/PID/status figure in MB (VmRSS now, VmHWM the peak)."""
    text = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


def _post_huge(host: str, port: int, token: str, megabytes: int) -> tuple[str, int]:
    """POST ``megabytes`` MB; the status line and the bytes of body the server took."""
    head = (
        f"POST /profile HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Cookie: facecoach_token_{port}={token}\r\nOrigin: http://{host}:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {megabytes * 1024 * 1024}\r\n\r\n"
    ).encode()
    block = b"a" * (1024 * 1024)
    sent = 0
    with socket.create_connection((host, port), timeout=60) as sock:
        sock.sendall(head)
        try:
            for _ in range(megabytes):
                sock.sendall(block)
                sent += len(block)
        except OSError:
            pass
        try:
            answer = sock.recv(200)
        except OSError:
            answer = b""
    return answer.split(b"\r\n", 1)[0].decode("latin-1") or "(closed, no answer)", sent


def _trickle(host: str, port: int, count: int, seconds: float) -> int:
    """Open ``count`` connections trickling a head; how many are open after ``seconds``."""
    head = f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nX-Slow: ".encode()
    socks = []
    for _ in range(count):
        try:
            socks.append(socket.create_connection((host, port), timeout=10))
        except OSError:
            break
    alive = set(range(len(socks)))
    start = time.monotonic()
    step = 0
    while time.monotonic() - start < seconds:
        for index in list(alive):
            sock = socks[index]
            try:
                sock.send(head[step : step + 1] if step < len(head) else b"a")
                sock.setblocking(False)
                try:
                    if sock.recv(4096) == b"":
                        alive.discard(index)
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
            except OSError:
                alive.discard(index)
        step += 1
        time.sleep(1.0)
    for sock in socks:
        sock.close()
    return len(alive)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "FACECOACH_HOME": home, "PYTHONPATH": str(args.src)}
        server = subprocess.Popen(
            [sys.executable, "-m", "facecoach", "serve", "--no-browser", "--text-only"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            found = re.search(r"http://([\d.]+):(\d+)/\?token=([\w-]+)", server.stdout.readline())
            if not found:
                print("the server printed no link", file=sys.stderr)
                return 1
            host, port, token = found.group(1), int(found.group(2)), found.group(3)
            time.sleep(1.0)
            before = _memory(server.pid, "VmRSS")
            status, taken = _post_huge(host, port, token, args.megabytes)
            time.sleep(1.0)
            peak = _memory(server.pid, "VmHWM")
            print(f"source: {args.src}")
            print(
                f"{args.megabytes} MB POST: {status}; body taken {taken / 1048576:.1f} MB; "
                f"server memory {before:.0f} MB before, peak {peak:.0f} MB"
            )
            still = _trickle(host, port, args.connections, args.seconds)
            print(
                f"{args.connections} connections trickling a head: {still} still open "
                f"after {args.seconds:.0f} s"
            )
        finally:
            server.send_signal(signal.SIGINT)
            try:
                _out, err = server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                _out, err = server.communicate()
        tracebacks = err.count("Traceback")
        print(f"tracebacks in the server's log: {tracebacks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
