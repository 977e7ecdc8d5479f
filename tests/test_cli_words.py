"""The first word of a command line: a typo is an unknown command, not a file for a window; a closed pipe is quiet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ovexplorer import cli
from ovexplorer.ui.shell.single_instance import NAME_ENV, InstanceServer, server_name

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "regression.xml"


def _env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.update(overrides)
    return env


def test_typo_of_a_command_is_refused_and_never_sent_to_the_running_app(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(NAME_ENV, str(tmp_path))  # a running app of this test's own
    server = InstanceServer()
    assert server.listen(), server_name()
    received: list[list[str]] = []
    server.open_requested.connect(received.append)
    # No display either: before, a typo was handed to the running window, or aborted in Qt without one.
    env = {k: v for k, v in _env(**{NAME_ENV: str(tmp_path)}).items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.Popen([sys.executable, "-m", "ovexplorer", "infoo", str(SAMPLE)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)  # the event loop runs: a handoff would land
    out, err = proc.communicate()
    qtbot.wait(200)
    server.close()
    assert proc.returncode == 2, err
    assert err == "ovexplorer: unknown command 'infoo' (did you mean 'info'?)\n"
    assert out == "" and received == []


@pytest.mark.parametrize(("word", "hint"), [
    ("stat", "did you mean 'stats'?"),
    ("devics", "did you mean 'devices'?"),
    ("frobnicate", "commands: info, stats, devices, run, bench, compare, optimize; or a model file to open"),
])
def test_unknown_words_name_the_closest_command(word: str, hint: str, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "open_window", lambda argv: pytest.fail(f"window opened for {argv}"))
    assert cli.main([word]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"ovexplorer: unknown command '{word}' ({hint})\n"


@pytest.mark.parametrize("arg", ["missing.xml", "MODEL.ONNX", "weights.bin", "models/typo", "file:///tmp/m.xml",
                                 "infoo", "--new-instance"])
def test_paths_and_options_still_go_to_the_window(arg: str, tmp_path, monkeypatch) -> None:
    """A model path that does not exist opens in the window, which names the missing file; so does an existing
    file or folder whatever its name ("infoo" exists here)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "infoo").mkdir()
    opened: list[list[str]] = []
    monkeypatch.setattr(cli, "open_window", lambda argv: opened.append(argv) or 0)
    assert cli.main([arg]) == 0
    assert opened == [[arg]]


def _with_closed_stdout(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ovexplorer ARGS`` with a stdout whose reader has gone (``... | head -3`` once head exits)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "ovexplorer", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=_env(), timeout=120, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [["info", str(SAMPLE)], ["info", str(SAMPLE), "--json"], ["stats", str(SAMPLE)]])
def test_closed_pipe_exits_quietly(args: list[str]) -> None:
    out = _with_closed_stdout(args)
    assert out.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit
    assert out.returncode == cli.EXIT_BROKEN_PIPE


def test_head_of_info_prints_its_lines_quietly() -> None:
    """The user's view: ``ovexplorer info model.xml | head -3`` shows three lines and nothing else."""
    cmd = f"{sys.executable} -m ovexplorer info {SAMPLE} | head -3"
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, env=_env(),
                         timeout=120, check=False)
    assert out.stdout.splitlines()[0].startswith("Model:") and len(out.stdout.splitlines()) == 3
    assert out.stderr == ""
    assert out.returncode in (0, cli.EXIT_BROKEN_PIPE)  # 0 when all was written before head closed
