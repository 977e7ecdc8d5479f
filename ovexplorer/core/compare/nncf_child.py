"""The NNCF job of :mod:`.optimize`, run as ``python -m ovexplorer.core.compare.nncf_child JOB.json``.

Prints ``@@progress fraction text`` lines, ``@@error message`` on failure (exit code 1); writes the IR where the
job says.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path


def _say(fraction: float, text: str) -> None:
    print(f"@@progress {fraction} {text}", flush=True)


def run(job_path: str) -> int:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    request = job["request"]
    _say(-1.0, "Importing NNCF")
    import nncf
    import numpy as np
    import openvino as ov

    _say(-1.0, f"Reading {Path(request['model']).name}")
    model = ov.Core().read_model(request["model"])
    if request["weights"]:
        modes = {"int8": nncf.CompressWeightsMode.INT8_ASYM, "int4": nncf.CompressWeightsMode.INT4_SYM}
        kwargs = {"mode": modes[request["weights"]]}
        if request["weights"] == "int4":
            kwargs.update(group_size=request["group_size"], ratio=request["ratio"])
        _say(-1.0, f"Compressing weights to {request['weights'].upper()}")
        result = nncf.compress_weights(model, **kwargs)
    else:
        with np.load(job["samples"]) as data:
            count = int(job["sample_count"])
            inputs = len(model.inputs)
            samples = [[data[f"s{k}_{i}"] for i in range(inputs)] for k in range(count)]
        items = [s[0] if len(s) == 1 else tuple(s) for s in samples]
        _say(-1.0, f"Quantizing to INT8 on {count} samples")
        result = nncf.quantize(model, nncf.Dataset(items), subset_size=min(count, int(request["subset"])))
    _say(0.95, "Saving")
    ov.save_model(result, job["out"], compress_to_fp16=False)
    return 0


def main(argv: list[str]) -> int:
    try:
        return run(argv[1])
    except Exception as exc:  # noqa: BLE001 - every failure is reported to the parent in one line
        traceback.print_exc(file=sys.stdout)
        from ovexplorer.core.util.errors import openvino_reason

        reason = " ".join(openvino_reason(str(exc)).split())
        print(f"@@error {type(exc).__name__}: {reason}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
