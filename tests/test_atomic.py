"""Nothing lost: writes are atomic (a failing write leaves the old file), and opening a model never writes to it."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import format_summary, summarize
from ovexplorer.core.util import atomic
from ovexplorer.core.util.atomic import atomic_path, atomic_write_bytes, atomic_write_text, commit_files, is_temp_name
from ovexplorer.core.util.errors import OvexplorerError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_temp_name(p.name) or p.name.startswith(".ovexplorer"))


def test_write_creates_and_replaces(tmp_path: Path) -> None:
    dest = tmp_path / "report.csv"
    atomic_write_text(dest, "a,b\n1,2\n")
    assert dest.read_text() == "a,b\n1,2\n"
    atomic_write_bytes(dest, b"new")
    assert dest.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_new_file_gets_normal_permissions(tmp_path: Path) -> None:
    dest = atomic_write_text(tmp_path / "x.json", "{}")
    mode = stat.S_IMODE(dest.stat().st_mode)
    assert mode & 0o644 == 0o644 or sys.platform == "win32"  # not mkstemp's 0600


def test_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    dest = tmp_path / "x.txt"
    dest.write_text("old")
    dest.chmod(0o640)
    atomic_write_text(dest, "new")
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640


def test_exception_mid_write_keeps_old_file(tmp_path: Path) -> None:
    dest = tmp_path / "table.csv"
    dest.write_text("old contents")
    with pytest.raises(RuntimeError, match="disk full"), atomic_path(dest) as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".csv.tmp")
        with open(tmp, "w") as f:
            f.write("half of the new")
            raise RuntimeError("disk full")
    assert dest.read_text() == "old contents"
    assert _leftovers(tmp_path) == []


def test_failing_rename_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "plot.svg"
    dest.write_text("<svg>old</svg>")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(dest, "<svg>new</svg>")
    monkeypatch.undo()
    assert dest.read_text() == "<svg>old</svg>"
    assert _leftovers(tmp_path) == []


def test_writer_that_writes_nothing_keeps_old_file(tmp_path: Path) -> None:
    dest = tmp_path / "a.npy"
    dest.write_bytes(b"old")
    with pytest.raises(FileNotFoundError), atomic_path(dest) as tmp:
        tmp.unlink()  # e.g. a library that failed before creating its output
    assert dest.read_bytes() == b"old"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root and Windows ignore folder modes")
def test_read_only_folder_fails_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.txt").write_text("old")
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            atomic_write_text(folder / "x.txt", "new")
        assert (folder / "x.txt").read_text() == "old"
    finally:
        folder.chmod(0o755)


def test_unwritable_folder_fails_before_touching_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "x.png"
    dest.write_bytes(b"old")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)  # what a read-only folder does, even for root
    with pytest.raises(PermissionError):
        atomic_write_bytes(dest, b"new")
    assert dest.read_bytes() == b"old"


def test_commit_files_rolls_back_the_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xml, bin_ = tmp_path / "m.xml", tmp_path / "m.bin"
    xml.write_text("old xml")
    bin_.write_bytes(b"old bin")
    new_xml, new_bin = tmp_path / "new.xml", tmp_path / "new.bin"
    new_xml.write_text("new xml")
    new_bin.write_bytes(b"new bin")
    real = os.replace

    def fail_on_xml(src, dst):
        if Path(src) == new_xml:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_on_xml)
    with pytest.raises(OSError):
        commit_files([(new_bin, bin_), (new_xml, xml)])
    monkeypatch.undo()
    assert xml.read_text() == "old xml" and bin_.read_bytes() == b"old bin"  # still a matching pair
    assert _leftovers(tmp_path) == []


def test_save_ir_failure_keeps_old_ir_pair(tiny_ir: Path, if_ir: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """*Save as IR* over an existing IR: if the last rename fails, the old .xml and .bin are both intact."""
    out = tmp_path / "out"
    old = open_model(if_ir).save_ir(out / "saved.xml")
    before = old.read_bytes(), old.with_suffix(".bin").read_bytes()
    real = os.replace

    def fail_on_xml(src, dst):
        if ".ovexplorer-save-" in str(src) and str(dst).endswith("saved.xml"):  # the new .xml into place
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_on_xml)
    with pytest.raises(OvexplorerError, match="No space left"):
        open_model(tiny_ir).save_ir(out / "saved.xml")
    monkeypatch.undo()
    assert (old.read_bytes(), old.with_suffix(".bin").read_bytes()) == before
    assert sorted(p.name for p in out.iterdir()) == ["saved.bin", "saved.xml"]
    assert len(open_model(old).graph.nodes) == len(open_model(if_ir).graph.nodes)


def _fingerprint(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes()) for p in sorted(folder.iterdir())}


def test_opening_and_summarizing_never_writes_the_model(tiny_ir: Path, if_ir: Path) -> None:
    for path in (tiny_ir, if_ir):
        before = _fingerprint(path.parent)
        doc = open_model(path)
        format_summary(summarize(doc))
        doc.close()
        assert _fingerprint(path.parent) == before  # same files, same bytes, same modification times


def test_commit_files_leaves_no_backup_placeholder_when_setting_aside_fails(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The first rename (old file aside) failing left an empty ``.ovexplorer-*.old.tmp`` behind."""
    dest, new = tmp_path / "m.xml", tmp_path / "new.xml"
    dest.write_text("old")
    new.write_text("new")

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(OSError):
        commit_files([(new, dest)])
    monkeypatch.undo()
    assert dest.read_text() == "old" and _leftovers(tmp_path) == []
