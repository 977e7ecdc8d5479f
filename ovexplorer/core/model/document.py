"""Open a model file into a :class:`ModelDocument`: the OpenVINO model plus its generic graph.

Every failure becomes one of :mod:`ovexplorer.core.util.errors` with a message that names the file. Weights
stay memory-mapped (OpenVINO's default), so opening a model with a gigabyte of weights copies none of them.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openvino as ov

from ovexplorer.core.model.graph import Graph, extract_graph
from ovexplorer.core.model.ir_check import NotStrictXml, check_text_guards, guard_note, looks_like_xml, validate_ir
from ovexplorer.core.model.ir_guard_scan import passes_guards
from ovexplorer.core.util import errors
from ovexplorer.core.util.atomic import commit_files
from ovexplorer.core.util.errors import openvino_reason as _first_message
from ovexplorer.core.util.gc_pause import gc_paused
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

#: Suffixes OpenVINO's frontends read besides IR ``.xml``; used for file dialogs and drops.
#: The names OpenVINO gives models that have none (``Model102``).
_AUTO_NAME = re.compile(r"Model\d+")
#: File names that export tools give every model (optimum-intel's openvino_model.xml...): the folder names it.
_GENERIC_STEM = re.compile(r"openvino_\w*model|model|openvino_(de)?tokenizer")


def file_title(path: Path) -> str:
    """A model file's name for titles: its stem, with its folder's name when the stem is an export tool's generic
    one (``llama_int4/openvino_model``, not ``openvino_model`` for every language model)."""
    if _GENERIC_STEM.fullmatch(path.stem) and path.parent.name:
        return f"{path.parent.name}/{path.stem}"
    return path.stem
OTHER_MODEL_SUFFIXES = (".onnx", ".tflite", ".pdmodel", ".pb")
MODEL_SUFFIXES = (".xml", *OTHER_MODEL_SUFFIXES)

_core: ov.Core | None = None
_core_lock = threading.Lock()
_with_extensions = False


def shared_core(extensions: bool = True) -> ov.Core:
    """The process-wide ``openvino.Core`` (creating one costs tens of milliseconds).

    ``extensions``: with the operations of openvino-tokenizers when it is installed (tokenizer and detokenizer
    models). Importing it costs 0.1-0.15 s, so opening a model asks without them first (:func:`_read_model`).
    """
    global _core, _with_extensions
    with _core_lock:
        if extensions and not _with_extensions:
            _with_extensions = True
            if _load_optional_extensions():
                _core = None  # the import adds its operations to every Core made from now on
        if _core is None:
            _core = ov.Core()
        return _core


def _load_optional_extensions() -> bool:
    """Import openvino-tokenizers when it is installed (True): it adds its operations to every ``openvino.Core``
    made afterwards, so tokenizer and detokenizer models (which OpenVINO's Python API then reads) open too."""
    try:
        import openvino_tokenizers  # noqa: F401
    except Exception:  # noqa: BLE001 - not installed, or built for another OpenVINO: those models stay unreadable
        return False
    return True


def _read_model(path: Path, weights_path: Path | None) -> ov.Model:
    """``read_model`` without openvino-tokenizers' operations, and with them when OpenVINO refuses the file."""
    args = [str(path)] if weights_path is None else [str(path), str(weights_path)]
    try:
        return shared_core(extensions=False).read_model(*args)
    except (RuntimeError, ValueError, TypeError):
        if _with_extensions:
            raise
    return shared_core().read_model(*args)


@dataclass(eq=False)
class ModelDocument:
    """An open model: the file it came from, the OpenVINO model, and its extracted graph."""

    path: Path
    weights_path: Path | None
    format: str
    model: ov.Model | None
    graph: Graph
    ov_nodes: list = field(repr=False, default_factory=list)
    read_seconds: float = 0.0
    extract_seconds: float = 0.0
    #: (st_dev, st_ino, st_size, st_mtime_ns) of the weights file when it was read.
    weights_signature: tuple[int, int, int, int] | None = None
    #: Facts derived from the graph once (the summary...), computed off the UI thread when the model opens.
    derived: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The model's own name, or its file's when it has none of its own (OpenVINO numbers unnamed models
        ``Model102``: a name that tells nothing)."""
        name = self.graph.name
        return file_title(self.path) if not name or _AUTO_NAME.fullmatch(name) else name

    def weights_changed_in_place(self) -> str | None:
        """Why the weights OpenVINO mapped no longer match the model, or None.

        A weights file rewritten in place (same file, new size or time: an exporter writing over it) shows its
        new bytes through the mapping, under the old graph; one replaced by a new file (rename) does not.
        """
        if self.weights_path is None or self.weights_signature is None:
            return None
        try:
            now = _signature(self.weights_path)
        except OSError:
            return None  # deleted or renamed away: the mapping keeps the bytes that were read
        if now[:2] == self.weights_signature[:2] and now != self.weights_signature:
            return (f"{self.weights_path.name} was rewritten on disk after {self.path.name} was opened: "
                    f"reopen the model to see its weights.")
        return None

    def close(self) -> None:
        """Drop every reference to OpenVINO objects (on Windows this unlocks the ``.bin``)."""
        self.ov_nodes = []
        self.model = None

    def save_ir(self, destination: str | Path, *, compress_to_fp16: bool = False) -> Path:
        """Save the model as IR (``.xml`` + ``.bin``) at ``destination``; never overwrite the open file.

        The files are written to a temporary folder beside the destination and renamed into place together
        (:func:`~ovexplorer.core.util.atomic.commit_files`), so a failure leaves any older pair intact.
        """
        if self.model is None:
            raise errors.OvexplorerError(f"{self.path.name} is closed; open it again to save it.", path=self.path)
        dest = Path(destination)
        if dest.suffix.lower() != ".xml":
            dest = dest.with_suffix(".xml")
        bin_dest = dest.with_suffix(".bin")
        opened = {self.path.resolve()}
        if self.weights_path is not None:
            opened.add(self.weights_path.resolve())
        if dest.resolve() in opened or bin_dest.resolve() in opened:
            raise errors.OvexplorerError(
                f"Refusing to overwrite {dest.name}: it is the model that is open. Choose another name.", path=dest
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = Path(tempfile.mkdtemp(prefix=".ovexplorer-save-", dir=dest.parent))
        try:
            tmp_xml = tmp_dir / "model.xml"
            ov.save_model(self.model, str(tmp_xml), compress_to_fp16=compress_to_fp16)
            tmp_bin = tmp_xml.with_suffix(".bin")
            commit_files([(tmp_bin, bin_dest), (tmp_xml, dest)] if tmp_bin.exists() else [(tmp_xml, dest)])
        except OSError as exc:
            raise errors.OvexplorerError(f"Could not save {dest.name}: {exc.strerror or exc}", path=dest) from exc
        except RuntimeError as exc:
            raise errors.OvexplorerError(
                f"OpenVINO could not save {dest.name}: {_first_message(str(exc))}", path=dest, detail=str(exc)
            ) from exc
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
        return dest


#: IRs of an export folder that are not the model (openvino-tokenizers' conversions beside it)
_HELPER_IRS = ("openvino_tokenizer.xml", "openvino_detokenizer.xml")


def folder_models(folder: Path) -> list[Path]:
    """The model files directly inside ``folder`` (tokenizer and detokenizer IRs left out), sorted by name."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.suffix.lower() in MODEL_SUFFIXES and p.name.lower() not in _HELPER_IRS
            and p.is_file()]


def folder_model(folder: Path) -> Path | None:
    """What opening ``folder`` opens: an export folder's ``openvino_model.xml``, a TensorFlow SavedModel (the
    folder itself), or the folder's only model file; None when there is none or more than one to choose from."""
    if (folder / "openvino_model.xml").is_file():
        return folder / "openvino_model.xml"
    if (folder / "saved_model.pb").is_file():
        return folder
    models = folder_models(folder)
    return models[0] if len(models) == 1 else None


def resolve_model_path(path: str | Path) -> Path:
    """The model file to open for ``path``: a ``.bin`` stands for the ``.xml`` beside it, a folder for the model
    it holds (:func:`folder_model`: an export folder's ``openvino_model.xml`` or its only IR)."""
    p = Path(path)
    if p.is_dir():
        return folder_model(p) or p
    if p.suffix.lower() == ".bin" and p.with_suffix(".xml").is_file():
        return p.with_suffix(".xml")
    return p


_LFS_HEADER = b"version https://git-lfs.github.com/spec/"


def _check_lfs_pointer(path: Path, error: type[errors.ModelLoadError]) -> None:
    """Name a Git LFS pointer (a clone without git-lfs leaves these ~130-byte text files in place of big files)."""
    try:
        if path.stat().st_size > 1024:
            return
        with path.open("rb") as f:
            head = f.read(1024)
    except OSError:
        return
    if not head.startswith(_LFS_HEADER):
        return
    size = re.search(rb"^size (\d+)", head, re.M)
    real = f" of {_human_size(int(size.group(1)))}" if size else ""
    raise error(
        f"{path.name} is a Git LFS pointer (a placeholder for a file{real}), not the file itself: the repository was "
        "cloned without git-lfs. Run `git lfs install && git lfs pull` in the repository to fetch the real files.",
        path=path,
    )


def _human_size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def folder_problem(folder: Path) -> str:
    """Why ``folder`` cannot be opened as it is (it holds no model, or several to choose from)."""
    models = folder_models(folder)
    if not models:
        return f"The folder {folder.name} ({folder}) holds no model to open (no .xml, .onnx, .tflite, .pdmodel or .pb)."
    names = ", ".join(p.name for p in models[:4]) + (" …" if len(models) > 4 else "")
    return f"The folder {folder.name} holds {len(models)} models ({names}): open one of them."


def _check_file(path: Path) -> None:
    if not path.exists():
        raise errors.ModelFileNotFound(f"{path} does not exist.", path=path)
    if path.is_dir():
        if (path / "saved_model.pb").is_file():
            return
        raise errors.ModelIsDirectory(folder_problem(path), path=path)
    if path.stat().st_size == 0:
        raise errors.EmptyModelFile(f"{path.name} is empty (0 bytes): the file was not written completely.", path=path)
    _check_lfs_pointer(path, errors.NotAModel)


def _is_ir_candidate(path: Path) -> bool:
    if path.is_dir():
        return False
    if path.suffix.lower() == ".xml":
        return True
    if path.suffix.lower() in OTHER_MODEL_SUFFIXES:
        return False
    with path.open("rb") as f:
        return looks_like_xml(f.read(512))


def open_model(
    path: str | Path,
    weights: str | Path | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ModelDocument:
    """Open an IR (``.xml`` + ``.bin``) or any model OpenVINO reads; raise a ``ModelLoadError`` on failure."""
    path = Path(path)
    try:
        with gc_paused():  # hundreds of thousands of new objects: no collection may stall the UI thread
            return _open_model(path, weights, progress, cancel)
    except PermissionError as exc:
        raise errors.ModelLoadError(f"{Path(exc.filename or path).name} cannot be read: permission denied.",
                                    path=path) from None
    except OSError as exc:
        if isinstance(exc, errors.OvexplorerError):
            raise
        raise errors.ModelLoadError(f"{path.name} cannot be read: {exc.strerror or exc}.", path=path) from None


def _signature(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _open_model(
    path: Path, weights: str | Path | None, progress: ProgressFn, cancel: CancelToken | None
) -> ModelDocument:
    _check_file(path)
    progress(0.0, f"Checking {path.name}")
    # a problem the pre-check found in a file OpenVINO may still read: raised only if OpenVINO refuses the file too
    deferred: errors.ModelLoadError | None = None
    lenient_xml = False
    prechecked = True
    if _is_ir_candidate(path):
        weights_path = Path(weights) if weights is not None else path.with_suffix(".bin")
        if weights is not None:
            _check_weights_file(Path(weights))
        if weights_path.is_file():
            _check_lfs_pointer(weights_path, errors.WeightsMissing)
        # the full pre-check only when the guards cannot be cleared by a scan of the bytes; else it runs only if
        # OpenVINO refuses the file (its other findings are used only then)
        header = passes_guards(path)
        if header is not None:
            fmt, prechecked = f"OpenVINO IR v{header.version}", False
        else:
            fmt, deferred, lenient_xml = _precheck(path, weights_path)
        ir_weights = weights_path
        if not weights_path.is_file():
            weights_path = None
    else:
        if path.suffix.lower() == ".bin":
            raise errors.NotAModel(
                f"{path.name} is a weights file with no model beside it: open the IR's .xml file "
                f"({path.with_suffix('.xml').name} is missing).",
                path=path,
            )
        weights_path = Path(weights) if weights is not None else None
        fmt = path.suffix.lstrip(".").upper() or "TensorFlow SavedModel"
    if cancel is not None:
        cancel.check()
    progress(0.1, f"Reading {path.name}")
    start = time.perf_counter()
    try:
        signature = _signature(weights_path) if weights_path is not None else None
    except OSError:
        signature = None
    try:
        model = _read_model(path, weights_path)
    except (RuntimeError, ValueError, TypeError) as exc:
        if not prechecked:  # the pre-check's message names the layer
            _fmt, deferred, lenient_xml = _precheck(path, ir_weights)
        error = map_openvino_error(exc, path)
        if deferred is not None and (not lenient_xml or type(error) is errors.NotAModel):
            # OpenVINO refuses it too: the pre-check's message names the layer (or, when OpenVINO only says it cannot
            # read the file, expat says what and where); OpenVINO's own reason is kept for a file expat refused
            raise deferred from None
        raise error from None
    read_seconds = time.perf_counter() - start
    if cancel is not None:
        cancel.check()
    start = time.perf_counter()

    def graph_progress(fraction: float, text: str) -> None:
        progress(0.5 + 0.5 * fraction, text)

    try:
        graph, ov_nodes = extract_graph(model, progress=graph_progress, cancel=cancel, name=model.get_friendly_name())
    except UnicodeDecodeError as exc:
        raise errors.ModelLoadError(
            f"{path.name} holds names that are not valid UTF-8 ({exc.reason} at byte {exc.start} of a name)."
            + guard_note("invalid-utf8"), path=path, guard="invalid-utf8") from None
    return ModelDocument(
        path=path,
        weights_path=weights_path,
        format=fmt,
        model=model,
        graph=graph,
        ov_nodes=ov_nodes,
        read_seconds=read_seconds,
        extract_seconds=time.perf_counter() - start,
        weights_signature=signature,
    )


def _precheck(path: Path, weights_path: Path) -> tuple[str, errors.ModelLoadError | None, bool]:
    """The full IR pre-check: ``(format, deferred, lenient_xml)``; raises a guard's error or ``NotAModel``.

    ``deferred``: the problem it found in a file OpenVINO may still read (raised only if OpenVINO refuses the
    file too); ``lenient_xml``: the file is not strict XML (OpenVINO's more lenient parser decides).
    """
    deferred: errors.ModelLoadError | None = None
    lenient_xml = False
    fmt = "OpenVINO IR"
    try:
        fmt = f"OpenVINO IR v{validate_ir(path, weights_path).version}"
    except NotStrictXml as exc:  # OpenVINO's parser is more lenient: it decides, after the guards
        deferred, lenient_xml, fmt = exc.error, True, f"OpenVINO IR v{exc.header.version}"
    except errors.ModelLoadError as exc:
        if exc.guard or isinstance(exc, errors.NotAModel):  # a guard, or not an IR at all
            raise
        deferred = exc  # the pre-check is never stricter than OpenVINO: it decides
    if deferred is not None:
        check_text_guards(path)
    return fmt, deferred, lenient_xml


def _check_weights_file(weights: Path) -> None:
    if not weights.exists():
        raise errors.WeightsMissing(f"The weights file {weights} does not exist.", path=weights)
    if weights.is_dir():
        raise errors.WeightsMissing(f"The weights path {weights} is a folder, not a .bin file.", path=weights)


def _layer_name_of_type(path: Path, op_type: str) -> str:
    """Name of the first IR layer whose type is ``op_type`` (for error messages)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "?"
    for tag in re.finditer(r"<layer\b[^>]*>", text):
        if f'type="{op_type}"' in tag.group(0):
            name = re.search(r'\bname="([^"]*)"', tag.group(0))
            return name.group(1) if name else "?"
    return "?"


def _layer_name_with(path: Path, needle: str) -> str:
    """Name of the IR layer whose text contains ``needle`` first (for error messages)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "?"
    at = text.find(needle)
    tag = text.rfind("<layer ", 0, at) if at >= 0 else -1
    name = re.match(r'<layer\b[^>]*?\bname="([^"]*)"', text[tag:]) if tag >= 0 else None
    return name.group(1) if name else "?"


_ELEMENT_BITS = {
    "f64": 64, "i64": 64, "u64": 64, "f32": 32, "i32": 32, "u32": 32, "f16": 16, "bf16": 16, "i16": 16, "u16": 16,
    "i8": 8, "u8": 8, "boolean": 8, "f8e4m3": 8, "f8e5m2": 8, "f8e8m0": 8, "i4": 4, "u4": 4, "nf4": 4,
    "f4e2m1": 4, "u2": 2, "u1": 1,
}


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf"""\b{name}\s*=\s*(["'])(.*?)\1""", tag, re.S)
    return found.group(2) if found else None


def _bad_size_const(path: Path, declared: int | None) -> str:
    """``'NAME' (layer id N) has size S, but its shape [..] of TYPE needs B bytes`` for the first Const whose ``size``
    does not fit its shape and element type (OpenVINO's message names none); ``""`` if none is found."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for layer in re.finditer(r"<layer\b[^>]*>", text):
        if _attr(layer.group(0), "type") != "Const":
            continue
        data = re.match(r"\s*<data\b[^>]*>", text[layer.end():])
        if not data:
            continue
        etype, shape, size = (_attr(data.group(0), k) for k in ("element_type", "shape", "size"))
        bits = _ELEMENT_BITS.get(etype or "")
        try:
            dims = [int(d) for d in (shape or "").split(",") if d.strip()]
            stated = int(size or "")
        except ValueError:
            continue
        if bits is None or (declared is not None and stated != declared):
            continue
        needed = (math.prod(dims) * bits + 7) // 8
        if needed != stated:
            return (f"{_attr(layer.group(0), 'name')!r} (layer id {_attr(layer.group(0), 'id')}) has size {stated}, "
                    f"but its shape [{','.join(map(str, dims))}] of {etype} needs {needed} bytes")
    return ""


def _line_column(path: Path, offset: int) -> tuple[int, int]:
    """Line and column (from 1) of a byte offset in a file."""
    try:
        with path.open("rb") as f:
            before = f.read(offset)
    except OSError:
        return 0, 0
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1


def map_openvino_error(exc: BaseException, path: Path) -> errors.ModelLoadError:
    """Translate an OpenVINO read error into one of our error types (the raw text kept as ``detail``)."""
    text = str(exc)
    name = path.name
    match = re.search(r"Cannot create (\S*) layer (.*?) id:(\d+) from unsupported opset: (\S*)", text)
    other = re.search(r"Opset (\S+) doesn't contain the operation with type: (\S+)", text)
    if other:
        match = None
        op, layer, opset = other.group(2), _layer_name_of_type(path, other.group(2)), other.group(1)
    if (match and match.group(1)) or other:
        if match:
            op, layer, opset = match.group(1), match.group(2).strip(), match.group(4)
        return errors.UnknownOperation(
            f"{name}: layer {layer!r} has the operation type {op!r} (opset {opset or '?'}), which this OpenVINO "
            "does not know. The model needs a newer OpenVINO or a custom-operation extension"
            + (" (tokenizer models: pip install openvino-tokenizers, matching this OpenVINO)." if opset == "extension"
               else "."),
            path=path,
            detail=text,
            op_type=op,
        )
    match = re.search(r'"([^"]*)" is not a member of enum element::Type_t', text)
    if match:
        etype = match.group(1)
        layer = _layer_name_with(path, f'element_type="{etype}"')
        return errors.BrokenGraph(
            f"{name}: layer {layer!r} has the element type "
            f"{etype!r}, which OpenVINO does not know (f32, f16, i8, u8, i64... are).",
            path=path,
            detail=text,
        )
    if "Incorrect weights in bin file" in text:
        return errors.WeightsTruncated(
            f"{name}: the weights file is shorter than the model needs (truncated, or from another model).",
            path=path,
            detail=text,
        )
    if "bin file cannot be found" in text or "Empty weights data" in text:
        return errors.WeightsMissing(
            f"{name} needs its weights file ({path.with_suffix('.bin').name}), which is missing or empty.",
            path=path,
            detail=text,
        )
    if "inconsistent for Const op" in text:
        stated = re.search(r"inconsistent for Const op!\s*(\d+)", text)
        which = _bad_size_const(path, int(stated.group(1)) if stated else None)
        return errors.BrokenGraph(
            f"{name}: the byte size of a constant does not match its shape and element type: constant {which}."
            if which else
            f"{name}: a constant's byte size does not match its shape and element type.", path=path, detail=text
        )
    match = re.search(r"friendly_name '([^']*)'", text)
    if "While validating node" in text and match:
        return errors.BrokenGraph(
            f"{name}: the shapes do not fit together at node {match.group(1)!r}: {_first_message(text)}",
            path=path,
            detail=text,
        )
    if "pugi::status_ok" in text or "pugixml" in text:
        reason = _first_message(text)
        at = re.search(r"\s*at offset (\d+)$", reason)
        line = column = 0
        if at:
            line, column = _line_column(path, int(at.group(1)))
            reason = reason[: at.start()] + f" at line {line}, column {column}"
        return errors.MalformedXml(f"{name} is not well-formed XML: {reason[:1].lower()}{reason[1:]}.", path=path,
                                   detail=text, line=line, column=column)
    if "Unable to read the model" in text or ("supported" in text and "frontend" in text.lower()):
        return errors.NotAModel(
            f"{name} is not a model OpenVINO can read (its format is not IR, ONNX, TensorFlow, TFLite or Paddle, "
            "or the file is damaged).",
            path=path,
            detail=text,
        )
    return errors.ModelLoadError(f"OpenVINO could not read {name}: {_first_message(text)}", path=path, detail=text)
