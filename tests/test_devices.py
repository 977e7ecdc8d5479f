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
            raise TypeError("Unable to convert function return value to a Python type! The signature was\n"
                            "\t(self: openvino._pyopenvino.Core, device_name: str, property: str) -> object")
        if key == "PERFORMANCE_HINT":
            return ov.properties.hint.PerformanceMode.THROUGHPUT
        return "Fake CPU"


def test_properties_that_raise_are_listed_with_their_error() -> None:
    infos = devices.list_devices(_RaisingCore(), with_properties=True)  # type: ignore[arg-type]
    cpu = infos[0]
    props = {p.name: p for p in cpu.properties}
    assert props["BAD"].error.startswith("Unable to convert")
    assert "device_name: str" in props["BAD"].error  # the whole detail is kept for the tooltip / --json
    assert props["BAD"].text == "not readable" and not props["BAD"].readable
    assert props["PERFORMANCE_HINT"].text == "THROUGHPUT"
    assert props["SECRET"].text == "(write-only)"
    broken = infos[1]
    assert broken.full_name == ""
    assert "plugin failed to load" in broken.properties[0].text
    text = devices.format_devices(infos)
    assert "BROKEN: " in text and "HETERO:BROKEN,CPU (virtual)" in text
    bad_line = next(line for line in text.splitlines() if line.strip().startswith("BAD"))
    assert bad_line.split() == ["BAD", "RO", "not", "readable"]  # no binding error in the listing
    assert "Unable to convert" not in text and "1 not readable" in text


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


def test_cli_devices_never_prints_a_binding_error(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    real_get = devices._get

    def get(core, device, key):
        if key == "PERFORMANCE_HINT":
            raise TypeError("Unable to convert function return value to a Python type! The signature was\n\t(...)")
        return real_get(core, device, key)

    monkeypatch.setattr(devices, "_get", get)
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "Unable to convert" not in out
    hint = next(line for line in out.splitlines() if line.strip().startswith("PERFORMANCE_HINT"))
    assert hint.rstrip().endswith("not readable")
    assert main(["devices", "--json"]) == 0
    cpu = next(d for d in json.loads(capsys.readouterr().out) if d["name"] == "CPU")
    assert cpu["properties"]["PERFORMANCE_HINT"]["error"].startswith("Unable to convert")


def test_properties_dialog_says_not_readable_with_the_detail_in_a_tooltip(qtbot, monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from ovexplorer.ui.run.devices_view import DevicePropertiesDialog

    real_get = devices._get

    def get(core, device, key):
        if key == "PERFORMANCE_HINT":
            raise TypeError("Unable to convert function return value to a Python type! The signature was\n\t(...)")
        return real_get(core, device, key)

    monkeypatch.setattr(devices, "_get", get)
    dialog = DevicePropertiesDialog("CPU")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.properties), timeout=20000)
    table = dialog.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "PERFORMANCE_HINT")
    value = table.item(row, 2)
    assert value.text() == "not readable"
    assert "Unable to convert" in value.data(Qt.ItemDataRole.ToolTipRole)
    shown = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert not any("Unable to convert" in t for t in shown)
    assert "not readable" in dialog.status.text()
    dialog.close()
