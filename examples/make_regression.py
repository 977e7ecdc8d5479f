"""Generate the ``regression`` sample model: a tiny MLP that learned y = 2*x1 + 5*x2.

Writes ``resources/samples/regression.xml`` and ``resources/samples/regression.bin`` (OpenVINO IR, FP32).

The network is trained with PyTorch on random points sampled uniformly in [-10, 10]^2 and converted with
``openvino.convert_model``.  Input normalisation (mean/std of the training inputs) and de-normalisation of the
output are part of the graph, so the model takes raw ``x1, x2`` values:

* input  ``x``: f32 [1, 2]
* output ``y``: f32 [1, 1]

At the end the script runs the saved IR through OpenVINO on CPU and exits non-zero unless
f(1, 1) = 7 and f(2, 3) = 19 within 0.05.

Run from the repository root (torch is only needed here, never by the application)::

    pip install torch openvino numpy
    python examples/make_regression.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import openvino as ov
import torch
from torch import nn

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_XML = REPO_ROOT / "resources" / "samples" / "regression.xml"

SEED = 1234
N_TRAIN = 4096
STEPS = 2000
LBFGS_ITERS = 1000
LBFGS_ROUNDS = 3
TOLERANCE = 0.05
CHECKS: list[tuple[tuple[float, float], float]] = [((1.0, 1.0), 7.0), ((2.0, 3.0), 19.0)]


def target(x: np.ndarray) -> np.ndarray:
    """The function the MLP learns: y = 2*x1 + 5*x2."""
    return (2.0 * x[:, 0] + 5.0 * x[:, 1])[:, None]


class MLP(nn.Module):
    """2 -> 16 -> 16 -> 1 with ReLU activations."""

    def __init__(self) -> None:
        super().__init__()
        hidden = 16
        self.layers = nn.Sequential(
            nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class NormalizedRegressor(nn.Module):
    """Wraps the MLP with input normalisation and output de-normalisation so they end up in the graph."""

    def __init__(self, mlp: MLP, x_mean: np.ndarray, x_std: np.ndarray, y_mean: float, y_std: float) -> None:
        super().__init__()
        self.mlp = mlp
        self.register_buffer("x_mean", torch.tensor(x_mean, dtype=torch.float32).reshape(1, 2))
        self.register_buffer("x_std", torch.tensor(x_std, dtype=torch.float32).reshape(1, 2))
        self.register_buffer("y_mean", torch.tensor([[y_mean]], dtype=torch.float32))
        self.register_buffer("y_std", torch.tensor([[y_std]], dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp((x - self.x_mean) / self.x_std) * self.y_std + self.y_mean


def normalisation(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Mean/std used to normalise inputs and outputs.

    The input statistics are rounded (mean to 0, std to the nearest power of two: 5.77 -> 8) so that
    ``(x - mean) / std`` is exact for integer inputs even when the CPU plugin runs the MatMuls in bf16
    (its default inference precision on CPUs with AMX / AVX512-BF16).
    """
    x_std = float(2.0 ** np.round(np.log2(x.std(axis=0).mean())))
    return np.zeros(2, np.float32), np.full(2, x_std, np.float32), float(y.mean()), float(y.std())


def train() -> NormalizedRegressor:
    """Train the MLP on normalised data and return the wrapped, raw-in/raw-out model."""
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-10.0, 10.0, size=(N_TRAIN, 2)).astype(np.float32)
    y = target(x).astype(np.float32)
    x_mean, x_std, y_mean, y_std = normalisation(x, y)
    print(f"normalisation: x_mean {x_mean}, x_std {x_std}, y_mean {y_mean:.4f}, y_std {y_std:.4f}")
    xn = torch.from_numpy((x - x_mean) / x_std)
    yn = torch.from_numpy((y - y_mean) / y_std)

    mlp = MLP()
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS, eta_min=1e-5)
    loss_fn = nn.MSELoss()
    for step in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(mlp(xn), yn)
        loss.backward()
        opt.step()
        sched.step()
        if step % 500 == 0 or step == STEPS - 1:
            print(f"Adam  step {step:5d}  normalised MSE {loss.item():.3e}")

    # Polish with full-batch L-BFGS in float64: Adam alone plateaus around 0.05 absolute error.
    mlp.double()
    xn64, yn64 = xn.double(), yn.double()
    lbfgs = torch.optim.LBFGS(
        mlp.parameters(),
        lr=1.0,
        max_iter=LBFGS_ITERS,
        history_size=50,
        tolerance_grad=1e-12,
        tolerance_change=1e-15,
        line_search_fn="strong_wolfe",
    )

    def closure() -> torch.Tensor:
        lbfgs.zero_grad()
        loss = loss_fn(mlp(xn64), yn64)
        loss.backward()
        return loss

    for rnd in range(LBFGS_ROUNDS):
        lbfgs.step(closure)
        print(f"L-BFGS round {rnd}  normalised MSE {closure().item():.3e}")
    mlp.float()

    model = NormalizedRegressor(mlp, x_mean, x_std, y_mean, y_std).eval()
    with torch.no_grad():
        x_test = rng.uniform(-10.0, 10.0, size=(1000, 2)).astype(np.float32)
        err = np.abs(model(torch.from_numpy(x_test)).numpy() - target(x_test))
    print(f"PyTorch held-out (1000 points): max abs error {err.max():.4f}, mean abs error {err.mean():.4f}")
    return model


def convert(model: NormalizedRegressor) -> ov.Model:
    """Convert to OpenVINO, name the input ``x`` / output ``y`` and attach rt_info."""
    ov_model = ov.convert_model(model, example_input=torch.zeros(1, 2), input=[([1, 2], ov.Type.f32)])
    ov_model.set_friendly_name("regression")
    ov_model.inputs[0].get_tensor().set_names({"x"})
    ov_model.get_parameters()[0].set_friendly_name("x")
    ov_model.outputs[0].get_tensor().set_names({"y"})
    ov_model.set_rt_info("regression", ["model_info", "model_type"])
    ov_model.set_rt_info("MLP trained on y = 2*x1 + 5*x2", ["model_info", "description"])
    return ov_model


def verify(xml_path: Path) -> bool:
    """Run the saved IR on CPU and check the known answers.

    Checked twice: with the default CPU configuration (which is bf16 on CPUs with AMX / AVX512-BF16) and with
    ``INFERENCE_PRECISION_HINT=f32``.
    """
    core = ov.Core()
    print(f"CPU default inference precision: {core.get_property('CPU', 'INFERENCE_PRECISION_HINT')}")
    ok = True
    configs: list[tuple[str, dict[str, str]]] = [
        ("default", {}),
        ("f32", {"INFERENCE_PRECISION_HINT": "f32"}),
    ]
    for label, config in configs:
        compiled = core.compile_model(xml_path, "CPU", config)
        for (x1, x2), expected in CHECKS:
            result = compiled({"x": np.array([[x1, x2]], dtype=np.float32)})
            got = float(result[compiled.output("y")].reshape(-1)[0])
            good = abs(got - expected) <= TOLERANCE
            ok = ok and good
            print(
                f"OpenVINO CPU ({label}): f({x1:g}, {x2:g}) = {got:.4f}  (expected {expected:g}) "
                f"{'OK' if good else 'FAIL'}"
            )
    return ok


def main() -> int:
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    start = time.perf_counter()
    model = train()
    print(f"training took {time.perf_counter() - start:.1f} s")
    OUT_XML.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(convert(model), OUT_XML, compress_to_fp16=False)
    print(
        f"saved {OUT_XML.relative_to(REPO_ROOT)} ({OUT_XML.stat().st_size} B) and "
        f"{OUT_XML.with_suffix('.bin').name} ({OUT_XML.with_suffix('.bin').stat().st_size} B)"
    )
    return 0 if verify(OUT_XML) else 1


if __name__ == "__main__":
    sys.exit(main())
