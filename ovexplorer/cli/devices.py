"""``ovexplorer devices [--json]``: the devices OpenVINO sees, with every supported property."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable


def _cmd_devices(args: argparse.Namespace) -> int:
    from ovexplorer.core.run.devices import format_devices, list_devices

    devices = list_devices(with_properties=True)
    if args.json:
        print(json.dumps([d.to_dict() for d in devices], indent=2, default=str))
    else:
        print(format_devices(devices))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("devices", help="list OpenVINO devices (and AUTO / HETERO / MULTI) with their properties")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return _cmd_devices
