"""Print a code block of README.md's "Quick start" section: the commands CI runs on a fresh machine.

    python3 .ci/readme_blocks.py N [README]   ->  the N-th (1-based) fenced block of "## Quick start"

Exits 1 when the section or the block is missing, so that CI fails rather than run nothing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_SECTION = re.compile(r"^## Quick start\s*$(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
_BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def quick_start_blocks(text: str) -> list[str]:
    """The fenced code blocks of the Quick start section, in order."""
    section = _SECTION.search(text)
    return [m.group(1) for m in _BLOCK.finditer(section.group(1))] if section else []


def main(argv: list[str]) -> int:
    n = int(argv[1])
    readme = Path(argv[2]) if len(argv) > 2 else Path(__file__).resolve().parent.parent / "README.md"
    blocks = quick_start_blocks(readme.read_text(encoding="utf-8"))
    if not 1 <= n <= len(blocks):
        print(f"readme_blocks: {readme} has {len(blocks)} Quick start block(s), not a block {n}", file=sys.stderr)
        return 1
    sys.stdout.write(blocks[n - 1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
