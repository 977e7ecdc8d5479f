"""What OpenVINO Core sees: devices (physical and virtual), their full names and every supported property.

Reading a property can raise (a plugin that cannot convert a value to Python, a property that needs an
argument); such a property is listed as "not readable", with the error kept as its detail, instead of failing
the whole listing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import openvino as ov

from ovexplorer.core.model.document import shared_core
from ovexplorer.core.util import errors
from ovexplorer.core.util.errors import openvino_reason


@dataclass(frozen=True, slots=True)
class DeviceProperty:
    """One supported property: its name, access (RO / RW / WO), value as text and as plain Python."""

    name: str
    access: str
    text: str
    value: Any = None
    error: str = ""  # why the value could not be read (the library's own words), shown as detail

    @property
    def readable(self) -> bool:
        return not self.error

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "access": self.access, "value": self.value, "text": self.text}
        if self.error:
            d["error"] = self.error
        return d


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A device one can compile for: ``name`` is what ``compile_model`` takes (``CPU``, ``AUTO``, ``MULTI:GPU,CPU``)."""

    name: str
    full_name: str
    virtual: bool
    properties: tuple[DeviceProperty, ...] = ()

    @property
    def base(self) -> str:
        """The plugin name the device's properties are read from (``MULTI:GPU,CPU`` -> ``MULTI``)."""
        return self.name.split(":", 1)[0]

    @property
    def label(self) -> str:
        return self.name if self.full_name in ("", self.name) else f"{self.name} — {self.full_name}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "full_name": self.full_name,
            "virtual": self.virtual,
            "properties": {p.name: p.to_dict() for p in self.properties},
        }


def plain_value(value: Any) -> Any:
    """A property value as JSON-friendly Python (enums by name, element types by short name)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, ov.Type):
        return value.get_type_name()
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    name = getattr(value, "name", None)  # pybind11 enums (PerformanceMode, Priority...)
    if isinstance(name, str) and name and name != "???":
        return name
    if name == "???":  # a value the bindings have no name for
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    text = str(value)
    return text.split(".", 1)[1] if "." in text and text.split(".", 1)[0].isidentifier() else text


def value_text(value: Any) -> str:
    """A property value as one line of text."""
    v = plain_value(value)
    if isinstance(v, bool):
        return "YES" if v else "NO"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {value_text(x)}" for k, x in v.items()) or "(none)"
    if isinstance(v, list):
        if len(v) == 3 and all(isinstance(x, int) for x in v) and isinstance(value, tuple):
            return f"{v[0]}..{v[1]} step {v[2]}"
        return ", ".join(value_text(x) for x in v if x != "") or "(none)"
    return "(empty)" if v == "" else str(v)


#: What an unreadable property shows as its value; the reason is in ``DeviceProperty.error``.
NOT_READABLE = "not readable"


def _get(core: ov.Core, device: str, key: str) -> Any:
    return core.get_property(device, key)


def device_properties(device: str, core: ov.Core | None = None) -> tuple[DeviceProperty, ...]:
    """Every property ``device`` reports as supported, with its value (or the error reading it raised)."""
    core = core or shared_core(extensions=False)
    base = device.split(":", 1)[0]
    try:
        supported = _get(core, base, "SUPPORTED_PROPERTIES")
    except RuntimeError as exc:
        raise errors.DeviceError(
            f"OpenVINO cannot query device {device}: {openvino_reason(str(exc))}", detail=str(exc)
        ) from None
    props: list[DeviceProperty] = []
    for key in supported:
        access = str(plain_value(supported[key]))
        if key == "SUPPORTED_PROPERTIES":
            continue
        if access == "WO":
            props.append(DeviceProperty(key, access, "(write-only)"))
            continue
        try:
            raw = _get(core, base, key)
        except Exception as exc:  # noqa: BLE001 - plugins raise assorted errors for unreadable properties
            props.append(DeviceProperty(key, access, NOT_READABLE, None, str(exc).strip() or type(exc).__name__))
            continue
        props.append(DeviceProperty(key, access, value_text(raw), plain_value(raw)))
    return tuple(props)


def _full_name(core: ov.Core, device: str) -> str:
    try:
        return str(_get(core, device, "FULL_DEVICE_NAME"))
    except Exception:  # noqa: BLE001 - a broken plugin must not hide the others
        return ""


def virtual_devices(physical: list[str]) -> list[str]:
    """The virtual devices that apply: AUTO always; HETERO and MULTI once there are two devices to combine."""
    names = ["AUTO"]
    if len(physical) >= 2:
        ordered = ",".join(sorted(physical, key=lambda d: (d.startswith("CPU"), d)))  # accelerators first
        names += [f"HETERO:{ordered}", f"MULTI:{ordered}"]
    return names


def list_devices(core: ov.Core | None = None, *, with_properties: bool = False) -> list[DeviceInfo]:
    """The devices Core reports, then the virtual ones, each with ``FULL_DEVICE_NAME``."""
    core = core or shared_core(extensions=False)
    physical = list(core.available_devices)
    infos: list[DeviceInfo] = []
    for name in physical + virtual_devices(physical):
        virtual = name not in physical
        base = name.split(":", 1)[0]
        props: tuple[DeviceProperty, ...] = ()
        if with_properties:
            try:
                props = device_properties(name, core)
            except errors.DeviceError as exc:
                props = (DeviceProperty("SUPPORTED_PROPERTIES", "RO", f"(cannot be read: {exc.message})", None,
                                        exc.message),)
        full = _full_name(core, base)
        if virtual and name != base:
            full = f"{full or base} of {name.split(':', 1)[1]}"
        infos.append(DeviceInfo(name, full, virtual, props))
    return infos


def format_devices(devices: list[DeviceInfo]) -> str:
    """Devices and their properties as aligned text."""
    lines: list[str] = []
    for d in devices:
        lines.append(f"{d.name}{' (virtual)' if d.virtual else ''}: {d.full_name}")
        width = max((len(p.name) for p in d.properties), default=0)
        for p in d.properties:
            lines.append(f"  {p.name:<{width}}  {p.access:<2}  {p.text}")
        unreadable = [p for p in d.properties if p.error]
        if unreadable:
            lines.append(f"  ({len(unreadable)} not readable through the Python bindings; "
                         "the reasons are in `ovexplorer devices --json` under \"error\")")
    return "\n".join(lines)
