"""PyInstaller hook for openvino: collect its run-time libraries, device plugins and frontends.

OpenVINO loads its device plugins (``libopenvino_intel_cpu_plugin.so``...) and model frontends
(``libopenvino_ir_frontend.so.2641``...) with ``dlopen`` from the folder of ``libopenvino``, so import
analysis never sees them: without this hook a frozen app finds no device. Everything in ``openvino/libs``
is collected into the same relative folder (``openvino/__init__`` on Windows also requires that folder).

Left out, because a viewer never needs them and reading a model *file* never uses them: the PyTorch and
JAX frontends (they convert in-memory framework objects only) and the Python modules that import torch,
jax or tensorflow. The TensorFlow, TF Lite, ONNX, Paddle and GGUF frontends stay: ovexplorer opens those
files.
"""

from __future__ import annotations

from pathlib import Path

from PyInstaller.utils.hooks import get_package_paths

_LIB_SUFFIXES = (".so", ".dll", ".dylib")
#: Frontends that only convert in-memory framework objects (never a file on disk).
EXCLUDED_LIBS = ("openvino_pytorch_frontend", "openvino_jax_frontend")
#: Data files in ``openvino/libs`` that the plugins read at run time.
_DATA_SUFFIXES = (".json", ".xml")

_, _pkg_dir = get_package_paths("openvino")
_libs = Path(_pkg_dir) / "libs"


def _is_library(name: str) -> bool:
    return name.endswith(_LIB_SUFFIXES) or ".so." in name  # versioned: libopenvino.so.2641, libtbb.so.12


binaries = []
datas = []
for _f in sorted(_libs.iterdir()) if _libs.is_dir() else []:
    if not _f.is_file() or any(x in _f.name for x in EXCLUDED_LIBS):
        continue
    if _is_library(_f.name):
        binaries.append((str(_f), "openvino/libs"))
    elif _f.suffix in _DATA_SUFFIXES:
        datas.append((str(_f), "openvino/libs"))

excludedimports = [
    "torch",
    "tensorflow",
    "jax",
    "jaxlib",
    "openvino.frontend.pytorch",
    "openvino.frontend.jax",
    "openvino.torch",
]
