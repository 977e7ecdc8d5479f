"""Recognise a language-model export folder (optimum-intel's layout): the model IR, the tokenizer and detokenizer
IRs, ``config.json`` and ``generation_config.json``, from the model's ``.xml``, the folder, or any IR beside them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODEL_XML = "openvino_model.xml"
TOKENIZER_XML = "openvino_tokenizer.xml"
DETOKENIZER_XML = "openvino_detokenizer.xml"


@dataclass(frozen=True)
class TextExport:
    """The files of an export folder; ``config`` and ``generation_config`` are the parsed JSON (empty if absent)."""

    folder: Path
    model: Path
    tokenizer: Path | None = None
    detokenizer: Path | None = None
    config: dict[str, Any] = field(default_factory=dict)
    generation_config: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def is_full_export(self) -> bool:
        """Everything openvino-genai's LLMPipeline needs: the model named as optimum names it and both tokenizers."""
        return self.model.name == MODEL_XML and self.tokenizer is not None and self.detokenizer is not None

    @property
    def eos_token_ids(self) -> tuple[int, ...]:
        """End-of-sequence ids from generation_config.json, else config.json."""
        for source in (self.generation_config, self.config):
            eos = source.get("eos_token_id")
            if isinstance(eos, int):
                return (eos,)
            if isinstance(eos, list):
                return tuple(int(e) for e in eos if isinstance(e, int))
        return ()


def export_model_path(path: str | Path) -> Path | None:
    """The model IR a folder stands for (``openvino_model.xml`` inside it), or None."""
    p = Path(path)
    if p.is_dir() and (p / MODEL_XML).is_file():
        return p / MODEL_XML
    return None


def _json(path: Path, problems: list[str]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{path.name} cannot be read: {exc}")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path.name} is not a JSON object")
        return {}
    return data


def find_export(path: str | Path) -> TextExport | None:
    """The export ``path`` belongs to (a folder, its model ``.xml``, or an IR with tokenizer IRs beside it).

    None when there is nothing language-model-like: no tokenizer IR and no ``config.json`` beside the model, or
    ``path`` is itself a tokenizer/detokenizer IR.
    """
    p = Path(path)
    model = export_model_path(p) if p.is_dir() else p
    if model is None or model.name in (TOKENIZER_XML, DETOKENIZER_XML):
        return None
    folder = model.parent
    tokenizer = folder / TOKENIZER_XML
    detokenizer = folder / DETOKENIZER_XML
    problems: list[str] = []
    config = _json(folder / "config.json", problems)
    if not tokenizer.is_file() and not config:
        return None
    return TextExport(
        folder=folder, model=model,
        tokenizer=tokenizer if tokenizer.is_file() else None,
        detokenizer=detokenizer if detokenizer.is_file() else None,
        config=config, generation_config=_json(folder / "generation_config.json", problems),
        problems=tuple(problems))
