"""RSS that opening a language-model export adds beyond the model document itself (issue 16: <= 50 MB): the
tokenizer IRs compiled and the architecture read; the model is compiled only on first use (shown too).

    .venv/bin/python benchmarks/llm_open_memory.py [FOLDER]    (e.g. /tmp/llama_bench from make_text_samples.py)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.text.text_state import open_text_model

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "text" / "llama_stateful"
    start = rss_mb()
    doc = open_model(folder / "openvino_model.xml")
    after_doc = rss_mb()
    text = open_text_model(folder)
    after_open = rss_mb()
    text.next_token(text.tokenize("hello world"))
    after_first = rss_mb()
    print(f"model: {folder} ({doc.name})")
    print(f"model document: {after_doc - start:.1f} MB (baseline)")
    print(f"opening the export for text (tokenizer IRs, architecture): {after_open - after_doc:.1f} MB "
          f"(limit 50 MB)")
    print(f"first next-token (compiles the model): {after_first - after_open:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
