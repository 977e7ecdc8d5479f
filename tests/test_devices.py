"""Devices: what Core reports, virtual devices, properties robust to ones that raise; ``ovexplorer devices``."""

from __future__ import annotations

import json

import openvino as ov
import pytest

from ovexplorer.cli import main
from ovexplorer.core.run import devices


def test_list_devices_has_cpu_and_auto_with_full_names() -> None:
    infos = devices.list_devices(with_properties=True)
    names = [d.name for d in infos]
    assert "CPU" in names and "AUTO" in names
    cpu = next(d for d in infos if d.name == "CPU")
    assert not cpu.virtual and cpu.full_name
    props = {p.name: p for p in cpu.properties}
    assert props["FULL_DEVICE_NAME"].text == cpu.full_name
    assert props["PERFORMANCE_HINT"].access == "RW"
    assert props["PERFORMANCE_HINT"].value in ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")
    assert props["INFERENCE_PRECISION_HINT"].value in ("f32", "bf16", "f16")
    auto = next(d for d in infos if d.name == "AUTO")
    assert auto.virtual


def test_virtual_devices_apply_only_with_two_devices() -> None:
    assert devices.virtual_devices(["CPU"]) == ["AUTO"]
    assert devices.virtual_devices(["CPU", "GPU"]) == ["AUTO", "HETERO:GPU,CPU", "MULTI:GPU,CPU"]


class _RaisingCore:
    """A Core whose plugin raises for one property and for the whole of another device."""

    available_devices = ("CPU", "BROKEN")

    def get_property(self, device: str, key: str):
        if device == "BROKEN":
            raise RuntimeError("Exception from src/x.cpp:1:\nplugin failed to load\n")
        if key == "SUPPORTED_PROPERTIES":
            return {"FULL_DEVICE_NAME": "RO", "BAD": "RO", "PERFORMANCE_HINT": "RW", "SECRET": "WO"}
        if key == "BAD":
            raise TypeError("Unable to convert function return value to a Python type!")
        if key == "PERFORMANCE_HINT":
            return ov.properties.hint.PerformanceMode.THROUGHPUT
        return "Fake CPU"


def test_properties_that_raise_are_listed_with_their_error() -> None:
    infos = devices.list_devices(_RaisingCore(), with_properties=True)  # type: ignore[arg-type]
    cpu = infos[0]
    props = {p.name: p for p in cpu.properties}
    assert props["BAD"].error.startswith("Unable to convert")
    assert props["BAD"].text.startswith("(cannot be read")
    assert props["PERFORMANCE_HINT"].text == "THROUGHPUT"
    assert props["SECRET"].text == "(write-only)"
    broken = infos[1]
    assert broken.full_name == ""
    assert "plugin failed to load" in broken.properties[0].text
    text = devices.format_devices(infos)
    assert "BROKEN: " in text and "HETERO:BROKEN,CPU (virtual)" in text


def test_value_text_of_assorted_values() -> None:
    assert devices.value_text(True) == "YES"
    assert devices.value_text(ov.Type.f16) == "f16"
    assert devices.value_text((1, 4, 1)) == "1..4 step 1"
    assert devices.value_text({"a": 1}) == "a: 1"
    assert devices.value_text([""]) == "(none)"


def test_cli_devices_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "CPU: " in out and "FULL_DEVICE_NAME" in out and "AUTO (virtual)" in out
    assert main(["devices", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cpu = next(d for d in data if d["name"] == "CPU")
    assert cpu["properties"]["FULL_DEVICE_NAME"]["value"] == cpu["full_name"]
