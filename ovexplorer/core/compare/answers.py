"""The answers side by side: when both models are decoded by the vision feature (Model API wrappers) or the
language-model feature (tokenizer, next token, greedy generation), decode A's and B's outputs for the same
picture or prompt and measure how far they agree (:mod:`ovexplorer.core.compare.answer_agreement`).

Each side is decoded by its own configuration; B without one (an optimized copy saved without its rt_info or
away from its tokenizer) takes A's, and a note says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.compare.answer_agreement import TextAgreement, VisionAgreement, vision_agreement
from ovexplorer.core.model.document import ModelDocument, shared_core
from ovexplorer.core.util.errors import Cancelled, OvexplorerError, openvino_reason
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

VISION, TEXT = "vision", "text"
#: What a language model continues when the user gives no prompt.
DEFAULT_PROMPT = "The quick brown fox"
#: Tokens of each greedy continuation.
NEW_TOKENS = 16
#: Next-token candidates shown and compared.
TOP_K = 10
#: Pictures of a folder decoded at most (each is kept with both answers for the view).
MAX_PICTURES = 16
#: The score threshold when A's configuration names none (the Answers view's default).
DEFAULT_THRESHOLD = 0.25

Decode = Callable[[Path], np.ndarray]


@dataclass(frozen=True)
class PictureAnswers:
    """One picture with A's and B's answers and their agreement."""

    name: str
    image: np.ndarray = field(repr=False)
    answer_a: Any  # VisionAnswer
    answer_b: Any
    agreement: VisionAgreement


@dataclass(frozen=True)
class AnswersComparison:
    """What the answers comparison found: ``kind`` is ``vision``, ``text`` or "" (not decoded: ``note`` says why)."""

    kind: str = ""
    note: str = ""
    task: str = ""
    wrapper: str = ""
    pictures: tuple[PictureAnswers, ...] = ()
    text: TextAgreement | None = None
    notes: tuple[str, ...] = ()

    @property
    def decoded(self) -> bool:
        return bool(self.pictures) or self.text is not None

    def summary(self) -> str:
        """What the user reads first."""
        if self.text is not None:
            return self.text.summary()
        if not self.pictures:
            return self.note
        if len(self.pictures) == 1:
            return self.pictures[0].agreement.summary()
        agree = sum(1 for p in self.pictures if p.agreement.agrees)
        return f"A and B give the same answer on {agree} of {len(self.pictures)} pictures."

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "decoded": self.decoded, "summary": self.summary(),
                                "notes": list(self.notes)}
        if self.note:
            data["note"] = self.note
        if self.kind == VISION:
            data.update(task=self.task, wrapper=self.wrapper,
                        pictures=[{"picture": p.name, **p.agreement.to_dict()} for p in self.pictures])
            if self.pictures:
                data["agree_on"] = sum(1 for p in self.pictures if p.agreement.agrees)
        if self.text is not None:
            data["text"] = self.text.to_dict()
        return data


class Decoders:
    """The compiled decoders (Model API wrappers, language models with their tokenizers) of one comparison, kept
    between its runs: a new picture or prompt does not compile both models again. One worker uses it at a time."""

    def __init__(self) -> None:
        self._items: dict[tuple, Any] = {}
        self.made = 0  # decoders compiled so far

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        item = self._items.get(key)
        if item is None:
            item = self._items[key] = make()
            self.made += 1
        return item

    def clear(self) -> None:
        self._items.clear()


# -- which feature decodes the pair ----------------------------------------------------------------------
def _text_export(doc: ModelDocument) -> Any:
    from ovexplorer.core.text.export_folder import find_export

    export = find_export(doc.path)
    if export is None or doc.model is None:
        return None
    names = {n for port in doc.model.inputs for n in port.get_names()}
    return export if "input_ids" in names else None


def answer_kind(doc: ModelDocument) -> str:
    """``text`` (a language-model export), ``vision`` (a picture input, or a Model API wrapper named in its
    rt_info) or "": which feature may decode the model's outputs. Cheap: shapes and file names only."""
    if doc.model is None:
        return ""
    if _text_export(doc) is not None:
        return TEXT
    from ovexplorer.core.vision.tasks import names_a_wrapper
    from ovexplorer.core.vision.vision_state import looks_like_vision

    return VISION if looks_like_vision(doc.model) or names_a_wrapper(doc.model) else ""


def compare_answers(doc_a: ModelDocument, doc_b: ModelDocument, *, pictures: list[str] | None = None,
                    decode: Decode | None = None, prompt: str = DEFAULT_PROMPT, new_tokens: int = NEW_TOKENS,
                    device: str = "CPU", decoders: Decoders | None = None, progress: ProgressFn = no_progress,
                    cancel: CancelToken | None = None) -> AnswersComparison:
    """A's and B's decoded answers for the same input, when a feature decodes them: a language model continues
    ``prompt``; a vision model answers each picture of ``pictures`` (files, or a folder's pictures). ``decoders``
    keeps the compiled decoders for the next call. Never raises for a model that does not decode (the
    comparison's ``note`` says why); Cancel raises :class:`Cancelled`."""
    decoders = decoders if decoders is not None else Decoders()
    try:
        if answer_kind(doc_a) == TEXT:
            return _compare_text(doc_a, doc_b, prompt, new_tokens, device, decoders, progress, cancel)
        return _compare_vision(doc_a, doc_b, pictures or [], decode, device, decoders, progress, cancel)
    except Cancelled:
        raise
    except OvexplorerError as exc:
        return AnswersComparison(answer_kind(doc_a), f"The answers could not be decoded: {exc.message}")
    except (RuntimeError, ValueError, TypeError, KeyError, IndexError) as exc:  # a decoder that does not fit B
        return AnswersComparison(answer_kind(doc_a), f"The answers could not be decoded: {type(exc).__name__}: "
                                                     f"{openvino_reason(str(exc)).splitlines()[0] if str(exc) else ''}")


def run_and_answer(doc_a: ModelDocument, doc_b: ModelDocument, comparison: Any, *, seed: int = 0,
                   input_files: list[str] | None = None, layers: bool = True, decode: Decode | None = None,
                   prompt: str = DEFAULT_PROMPT, device: str = "CPU", decoders: Decoders | None = None,
                   progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                   ) -> tuple[list, list, list[str], AnswersComparison]:
    """:func:`~ovexplorer.core.compare.pair.run_both`, then the decoded answers on the same input."""
    from ovexplorer.core.compare.pair import run_both

    outputs, rows, notes = run_both(doc_a, doc_b, comparison, seed=seed, input_files=input_files, layers=layers,
                                    decode=decode, device=device, progress=progress, cancel=cancel)
    answers = compare_answers(doc_a, doc_b, pictures=input_files, decode=decode, prompt=prompt, device=device,
                              decoders=decoders, progress=progress, cancel=cancel)
    return outputs, rows, notes, answers


# -- vision ----------------------------------------------------------------------------------------------
def _picture_files(items: list[str]) -> list[Path]:
    from ovexplorer.core.run.inputs import IMAGE_SUFFIXES

    found: list[Path] = []
    for item in items:
        path = Path(item.partition("=")[2] if "=" in item else item)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            found.append(path)
    return found[:MAX_PICTURES]


def _compare_vision(doc_a: ModelDocument, doc_b: ModelDocument, items: list[str], decode: Decode | None,
                    device: str, decoders: Decoders, progress: ProgressFn,
                    cancel: CancelToken | None) -> AnswersComparison:
    from ovexplorer.core.vision.answer import VisionModel
    from ovexplorer.core.vision.vision_state import look_at

    progress(-1.0, "Looking for the answers' decoders")
    found_a = look_at(doc_a.model)
    if found_a.error:
        return AnswersComparison(note=found_a.error)
    if found_a.config is None:
        return AnswersComparison(note="Neither the vision nor the language-model feature decodes A's outputs: "
                                      "the outputs are compared as numbers only.")
    found_b = look_at(doc_b.model)
    config_a, config_b = found_a.config, found_b.config
    notes = []
    if config_b is None:
        config_b = config_a
        notes.append(f"B carries no Model API configuration: it is decoded as A is ({config_a.wrapper}).")
    elif config_b.task != config_a.task:
        return AnswersComparison(VISION, f"A is decoded as {config_a.task} ({config_a.wrapper}), B as "
                                         f"{config_b.task} ({config_b.wrapper}): their answers are not comparable.",
                                 task=config_a.task, wrapper=config_a.wrapper)
    if config_b.wrapper != config_a.wrapper:
        notes.append(f"A is decoded by {config_a.wrapper}, B by {config_b.wrapper}.")
    files = _picture_files(items)
    if not files or decode is None:
        return AnswersComparison(VISION, f"Both models are {config_a.task} models ({config_a.wrapper}): give a "
                                         "picture or a folder of pictures as the input to see their answers side "
                                         "by side.", task=config_a.task, wrapper=config_a.wrapper,
                                 notes=tuple(notes))
    threshold = config_a.confidence if config_a.confidence is not None else DEFAULT_THRESHOLD
    progress(-1.0, f"Compiling A's {config_a.wrapper} wrapper")
    vm_a = decoders.get((VISION, 0, config_a, device), lambda: VisionModel(doc_a.model, config_a, device,
                                                                           shared_core()))
    progress(-1.0, f"Compiling B's {config_b.wrapper} wrapper")
    vm_b = decoders.get((VISION, 1, config_b, device), lambda: VisionModel(doc_b.model, config_b, device,
                                                                           shared_core()))
    results = []
    for k, path in enumerate(files):
        if cancel is not None:
            cancel.check()
        progress(k / len(files), f"Answers of A and B: picture {k + 1}/{len(files)} ({path.name})")
        image = decode(path)
        _, answer_a = vm_a.answer(image, threshold)
        _, answer_b = vm_b.answer(image, threshold)
        results.append(PictureAnswers(path.name, image, answer_a, answer_b,
                                      vision_agreement(answer_a, answer_b, threshold)))
    progress(1.0, "Answers compared")
    return AnswersComparison(VISION, task=config_a.task, wrapper=config_a.wrapper, pictures=tuple(results),
                             notes=tuple(notes))


# -- language models -------------------------------------------------------------------------------------
def _text_model_b(doc_b: ModelDocument, text_a: Any, device: str, notes: list[str]) -> Any:
    """B's text model: its own export, else B's IR with A's tokenizer and configuration."""
    from dataclasses import replace

    from ovexplorer.core.text.architecture import describe_architecture
    from ovexplorer.core.text.text_state import TextModel, open_text_model

    if _text_export(doc_b) is not None:
        text_b = open_text_model(doc_b.path, device)
        if text_b is not None and text_b.tokenizer is not None:
            return text_b
    notes.append("B has no tokenizer beside it: A's tokenizer and config.json are used for B.")
    model = shared_core().read_model(str(doc_b.path))  # its own copy: the decoder changes the model it gets
    export = replace(text_a.export, folder=doc_b.path.parent, model=doc_b.path)
    return TextModel(export=export, arch=describe_architecture(model, text_a.export.config),
                     tokenizer=text_a.tokenizer, model=model, kind=text_a.kind, device=device)


def _compare_text(doc_a: ModelDocument, doc_b: ModelDocument, prompt: str, new_tokens: int, device: str,
                  decoders: Decoders, progress: ProgressFn, cancel: CancelToken | None) -> AnswersComparison:
    from ovexplorer.core.text.sampling import SamplingConfig
    from ovexplorer.core.text.text_state import open_text_model

    progress(-1.0, "Opening A's tokenizer")
    text_a = decoders.get((TEXT, 0, device), lambda: open_text_model(doc_a.path, device))
    if text_a is None or text_a.tokenizer is None:
        return AnswersComparison(TEXT, "A has no openvino_tokenizer.xml beside it: there is no text to compare.")
    if not text_a.is_decoder:
        return AnswersComparison(TEXT, "A is an encoder, not a causal language model: it has no next token or "
                                       "continuation to compare; its outputs are compared as numbers.")
    notes: list[str] = []
    if doc_b.model is None or "input_ids" not in {n for port in doc_b.model.inputs for n in port.get_names()}:
        return AnswersComparison(TEXT, "B takes no token ids (input_ids): it is not a language model like A, so "
                                       "there are no continuations to compare.")
    progress(-1.0, "Opening B's tokenizer")
    said: list[str] = []  # kept with B's model: the note holds on later runs that reuse it
    text_b, said = decoders.get((TEXT, 1, device), lambda: (_text_model_b(doc_b, text_a, device, said), said))
    notes += said
    if not text_b.is_decoder:
        return AnswersComparison(TEXT, "B is not a causal language model: the continuations cannot be compared.")
    prompt = prompt or DEFAULT_PROMPT
    results = []
    for label, tm in (("A", text_a), ("B", text_b)):
        if cancel is not None:
            cancel.check()
        progress(-1.0, f"{label}: next token and a greedy continuation of {new_tokens} tokens")
        tokens = tm.tokenize(prompt)
        nxt = tm.next_token(tokens, TOP_K)
        gen = tm.generate(tokens, new_tokens, SamplingConfig(), cancel=cancel)
        if cancel is not None:
            cancel.check()  # a stopped generation is not an answer to compare
        pieces = tuple(tm.tokenizer.pieces(gen.tokens)) if tm.tokenizer is not None else ()
        results.append((tokens, nxt, gen, pieces))
    (tok_a, next_a, gen_a, pieces_a), (tok_b, next_b, gen_b, pieces_b) = results
    if tok_a.ids.tolist() != tok_b.ids.tolist():
        notes.append(f"The tokenizers split the prompt differently (A {len(tok_a)} tokens, B {len(tok_b)}): the "
                     "continuations are compared piece by piece.")
    progress(1.0, "Answers compared")
    agreement = TextAgreement(prompt, tuple(tok_a.ids.tolist()), tuple(tok_b.ids.tolist()), next_a, next_b,
                              tuple(gen_a.tokens), tuple(gen_b.tokens), pieces_a, pieces_b, gen_a.text, gen_b.text,
                              tuple(notes))
    return AnswersComparison(TEXT, text=agreement, notes=tuple(notes))
