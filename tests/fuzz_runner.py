"""Run fuzz cases in worker processes: a native crash or a hang fails one case, never the test runner.

:func:`run_cases` feeds ``(label, path)`` cases to long-lived workers (``python tests/fuzz_runner.py --worker``),
two at a time by default. A worker calls a *target* function (``module:function``, e.g.
``fuzz_ir:open_target``) on each path and answers with one JSON line per case on a pipe of its own. When a
worker dies (signal) or stops answering (hang), the case it was on is reported as such and a fresh worker
takes the remaining cases. New targets (input decoders, exports...) only need a function returning
``{"outcome": "loaded" | "error", ...}``.
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: A case may take this long (seconds) in its worker before it counts as a hang.
CASE_TIMEOUT_S = 20.0
#: A case may grow the worker's peak resident memory by this much before it counts as a memory blow-up.
MAX_RSS_GROWTH = 512 * 1024 * 1024
#: Address-space limit of a worker, so a runaway allocation fails there instead of hurting the machine.
WORKER_ADDRESS_SPACE = 4 * 1024**3  # a worker needs ~350 MB of address space


# -- the worker (child process) -------------------------------------------------------------------------------------
def _peak_rss() -> int:
    import resource  # POSIX only, like the worker protocol (pass_fds, select on pipes)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _load_target(spec: str) -> Callable[[str], dict]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def worker_main(fd: int, target: str) -> None:
    """Read cases (one JSON line each) on stdin; answer ``S <index>`` then one JSON result line each on ``fd``.

    ``target`` (``module:function``) checks one file: it returns ``{"outcome": "loaded", "note": ...}`` or
    ``{"outcome": "error", "type": ..., "message": ...}`` for an expected error; anything it raises is a
    failure. The answers go to their own pipe, so whatever a library prints on stdout cannot garble them.
    """
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_ADDRESS_SPACE, WORKER_ADDRESS_SPACE))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash is expected now and then: no core files
    except (ValueError, OSError):
        pass
    faulthandler.enable()  # a crash prints the Python stack to stderr, which the runner reports
    os.environ.setdefault("OPENVINO_TELEMETRY_DISABLE", "1")
    check = _load_target(target)
    out = os.fdopen(fd, "w", buffering=1)
    for line in sys.stdin:
        job = json.loads(line)
        out.write(f"S {job['index']}\n")
        out.flush()
        before = _peak_rss()
        result: dict = {"index": job["index"]}
        try:
            result.update(check(job["path"]))
        except BaseException as exc:  # noqa: BLE001 - any other exception is what the fuzzer looks for
            result.update(outcome="exception", type=type(exc).__name__, message=str(exc)[:500],
                          traceback=traceback.format_exc()[-2000:])
        result["rss_growth"] = _peak_rss() - before
        out.write(json.dumps(result) + "\n")
        out.flush()


# -- the runner (parent process) ------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to one case: passed, or why not."""

    index: int
    label: str
    path: Path
    passed: bool
    kind: str  # loaded | error | exception | crash | hang | bad-message | memory | mismatch
    detail: str = ""
    #: What the target said beside its outcome (the oracle's verdict, the guard that refused...).
    extra: dict[str, Any] | None = None


def judge(result: dict, path: Path) -> tuple[bool, str, str]:
    """(passed, kind, detail) of a worker's result line: loaded, or an expected error whose message names the file."""
    kind = result["outcome"]
    if kind == "loaded":
        if result.get("rss_growth", 0) > MAX_RSS_GROWTH:
            return False, "memory", f"peak RSS grew by {result['rss_growth'] / 2**20:.0f} MiB"
        return True, kind, str(result.get("note", ""))
    if kind == "error":
        message = result.get("message") or ""
        names = (path.name, path.with_suffix(".bin").name)  # an IR's error may name its .bin
        if not message.strip() or not any(n in message for n in names):
            return False, "bad-message", f"{result['type']}: {message!r} does not name the file"
        if "Exception from src" in message:
            return False, "bad-message", f"{result['type']}: raw OpenVINO text: {message[:200]!r}"
        if result.get("rss_growth", 0) > MAX_RSS_GROWTH:
            return False, "memory", f"peak RSS grew by {result['rss_growth'] / 2**20:.0f} MiB before {message!r}"
        return True, kind, f"{result['type']}: {message}"
    return False, kind, f"{result.get('type')}: {result.get('message')}\n{result.get('traceback', '')}"


def _worker_command(fd: int, target: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", str(fd), "--target", target]


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("OPENVINO_TELEMETRY_DISABLE", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def _run_queue(jobs: list[tuple[int, str, Path]], target: str, timeout: float, outcomes: list[Outcome],
               lock: threading.Lock) -> None:
    """Run ``jobs`` through workers, restarting a worker after each crash or hang."""
    pending = list(jobs)
    while pending:
        read_fd, write_fd = os.pipe()
        with tempfile.TemporaryFile() as errfile, os.fdopen(read_fd, "rb", buffering=0) as answers:
            proc = subprocess.Popen(_worker_command(write_fd, target), stdin=subprocess.PIPE, stdout=errfile,
                                    stderr=errfile, env=_worker_env(), text=True, bufsize=1, pass_fds=(write_fd,))
            os.close(write_fd)
            feeder = threading.Thread(target=_feed, args=(proc, pending), daemon=True)
            feeder.start()
            current: tuple[int, str, Path] | None = None
            deadline = time.monotonic() + max(timeout, 60.0)  # the first case also pays for the imports
            by_index = {j[0]: j for j in pending}
            done: set[int] = set()
            failure: Outcome | None = None
            buffer = ""
            while True:
                remaining = deadline - time.monotonic()
                ready, _, _ = select.select([answers], [], [], max(0.0, remaining))
                if not ready:
                    proc.kill()
                    proc.wait()
                    if current is not None:
                        failure = Outcome(current[0], current[1], current[2], False, "hang",
                                          f"no answer within {timeout:.0f} s")
                    break
                chunk = answers.read(65536).decode("utf-8", "replace")
                if not chunk:
                    code = proc.wait()
                    if current is not None:
                        errfile.seek(0)
                        tail = errfile.read()[-1500:].decode("utf-8", "replace")
                        why = f"killed by signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
                        failure = Outcome(current[0], current[1], current[2], False, "crash", f"{why}\n{tail}")
                    break
                buffer += chunk
                while "\n" in buffer:
                    line, buffer = buffer.split("\n", 1)
                    if line.startswith("S "):
                        current = by_index[int(line[2:])]
                        deadline = time.monotonic() + timeout
                    elif line.startswith("{"):
                        result = json.loads(line)
                        job = by_index[result["index"]]
                        passed, kind, detail = judge(result, job[2])
                        extra = {k: result[k] for k in ("oracle", "guard", "valid") if k in result}
                        with lock:
                            outcomes.append(Outcome(job[0], job[1], job[2], passed, kind, detail, extra))
                        done.add(job[0])
                        current = None
                if len(done) == len(pending):
                    feeder.join()
                    proc.wait()
                    break
            if failure is None and not done:  # the worker died before its first case: give up on the rest
                errfile.seek(0)
                tail = errfile.read()[-1500:].decode("utf-8", "replace")
                with lock:
                    outcomes.extend(Outcome(j[0], j[1], j[2], False, "crash", f"worker died: {tail}") for j in pending)
                return
            if failure is not None:
                with lock:
                    outcomes.append(failure)
                done.add(failure.index)
            pending = [j for j in pending if j[0] not in done]


def _feed(proc: subprocess.Popen, jobs: list[tuple[int, str, Path]]) -> None:
    try:
        for index, _, xml in jobs:
            proc.stdin.write(json.dumps({"index": index, "path": str(xml)}) + "\n")
        proc.stdin.flush()
        proc.stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass


def run_cases(cases: Iterable[tuple[str, Path]], *, target: str = "fuzz_ir:open_target", workers: int = 2,
              timeout: float = CASE_TIMEOUT_S) -> list[Outcome]:
    """Check every ``(label, path)`` with ``target`` in worker processes; one :class:`Outcome` per case, in order."""
    jobs = [(i, label, path) for i, (label, path) in enumerate(cases)]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    workers = max(1, min(workers, len(jobs)))
    threads = [threading.Thread(target=_run_queue, args=(jobs[k::workers], target, timeout, outcomes, lock))
               for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes, key=lambda o: o.index)


def selftest_target(path: str) -> dict:
    """A target for testing the runner itself: the file's text says how to behave."""
    action = Path(path).read_text().strip()
    if action == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if action == "hang":
        time.sleep(3600)
    if action == "raise":
        raise ValueError("an unexpected exception")
    if action == "error":
        return {"outcome": "error", "type": "ModelLoadError", "message": f"{Path(path).name} is broken."}
    if action == "vague":
        return {"outcome": "error", "type": "ModelLoadError", "message": "something is broken"}
    return {"outcome": "loaded", "note": action}


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=int, metavar="FD", required=True, help="answer on file descriptor FD")
    parser.add_argument("--target", required=True, help="module:function checking one path")
    args = parser.parse_args(argv)
    worker_main(args.worker, args.target)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


def report(title: str, outcomes: list[Outcome], script: str, capsys) -> list[Outcome]:
    """Print ``title: N passed, M failed`` (past pytest's capture) and each failure with how to reproduce it."""
    import re

    failed = [o for o in outcomes if not o.passed]
    with capsys.disabled():
        print(f"\n{title}: {len(outcomes) - len(failed)} passed, {len(failed)} failed")
        for o in failed:
            seed = re.match(r"seed (\d+)", o.label)
            again = f"  (reproduce: python tests/{script} --seed {seed.group(1)})" if seed else ""
            print(f"  FAILED [{o.kind}] {o.label}{again}\n    {o.detail.strip()[:800]}")
    return failed


def fuzz_in_batches(folder: Path, make: Callable[[int], Any], write: Callable[[Any, Path], Path],
                    forget: Callable[[Any], None], *, target: str, first_seed: int, max_cases: int,
                    max_seconds: float, workers: int = 2, chunk: int = 200,
                    timeout: float = CASE_TIMEOUT_S) -> list[tuple[Any, Outcome]]:
    """Make cases ``first_seed, first_seed + 1, ...`` (``make(seed)``, each with ``seed`` and ``description``),
    write each to its own folder and check them in batches, until ``max_cases`` or ``max_seconds``.

    A batch's files are deleted once checked and ``forget(case)`` drops its payload: the seed alone reproduces it.
    """
    start = time.monotonic()
    results: list[tuple[Any, Outcome]] = []
    seed = first_seed
    while len(results) < max_cases and time.monotonic() - start < max_seconds:
        batch = [make(s) for s in range(seed, seed + min(chunk, max_cases - len(results)))]
        seed += len(batch)
        paths = [write(c, folder / f"c{c.seed}") for c in batch]
        outcomes = run_cases([(c.description, p) for c, p in zip(batch, paths, strict=True)], target=target,
                             workers=workers, timeout=timeout)
        results.extend(zip(batch, outcomes, strict=True))
        for c in batch:
            case_dir = folder / f"c{c.seed}"
            for f in case_dir.iterdir():
                f.unlink()
            case_dir.rmdir()
            forget(c)
    return results
