"""The text view's answers for encoders (BERT-like models generate nothing): fill-mask, token labels, the pooled
embedding of the prompt and the cosine similarity of two texts, each computed in a worker and written to the
answers pane (the pane a causal LM streams its generation into)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ovexplorer.core.text.encoder import cosine
from ovexplorer.core.text.tokenizer import Tokens

if TYPE_CHECKING:
    from ovexplorer.ui.shell.workers import Task

#: The placeholder of the answers pane, per task the model offers
_PLACEHOLDERS = {"fill-mask": "Write [MASK] in the text and press Fill [MASK]: the likeliest tokens show here",
                 "token labels": "Label tokens: each token's label shows over its span",
                 "embeddings": "Embedding: the text's pooled vector",
                 "similarity": "Similarity: the cosine of the two texts' embeddings"}


def encoder_placeholder(tasks: tuple[str, ...]) -> str:
    return "\n".join(_PLACEHOLDERS[t] for t in tasks if t in _PLACEHOLDERS)


class EncoderActions:
    """Mixed into the text view: its encoder buttons' slots (the view has ``model``, ``output``, ``second``,
    ``chart``, ``spans``, ``show_status`` and ``_with_tokens``)."""

    model: Any
    output: Any
    second: Any
    spans: Any

    def answer(self, text: str) -> None:
        """Append one answer to the answers pane (newest last) and say it in the status line."""
        self.output.appendPlainText(text)
        self.show_status(text.splitlines()[0])  # type: ignore[attr-defined]

    def fill_mask(self) -> Task | None:
        model = self.model
        if model is None or model.is_decoder:
            return None

        def fill(tokens: Tokens, cancel):
            mask = model.tokenizer.encode("[MASK]", pieces=False).ids if model.tokenizer else []
            mask_id = next((int(i) for i in mask if int(i) not in (tokens.ids[0], tokens.ids[-1])), None)
            if mask_id is None:
                mask_id = int(mask[len(mask) // 2]) if len(mask) else -1
            return model.encoder.fill_mask(tokens, mask_id, 10, model.tokenizer)

        def show(answers) -> None:
            self.chart.show_next(answers[0][1])  # type: ignore[attr-defined]
            for pos, nxt in answers:
                self.answer(f"[MASK] at token {pos}: " + ", ".join(
                    f"{p!r} {q:.1%}" for p, q in zip(nxt.pieces[:5], nxt.probs[:5], strict=True)))

        return self._with_tokens(fill, show)  # type: ignore[attr-defined]

    def label_tokens(self) -> Task | None:
        model = self.model
        if model is None or model.is_decoder:
            return None

        def show(pair) -> None:
            tokens, labels = pair
            self.spans.show_tokens(tokens, labels)
            self.answer(f"Token labels: {' '.join(labels)}")

        return self._with_tokens(lambda tokens, cancel: (tokens, model.encoder.token_labels(tokens)),  # type: ignore
                                 show)

    def embedding(self) -> Task | None:
        model = self.model
        if model is None or model.is_decoder:
            return None

        def show(pair: tuple[np.ndarray, str]) -> None:
            vector, source = np.asarray(pair[0]), pair[1]
            head = ", ".join(f"{v:.4f}" for v in vector[:8])
            self.answer(f"Embedding: {vector.size} values, norm {float(np.linalg.norm(vector)):.4f} ({source})\n"
                        f"  [{head}{', …' if vector.size > 8 else ''}]")

        return self._with_tokens(lambda tokens, cancel: model.encoder.pooled(tokens), show)  # type: ignore

    def compare(self) -> Task | None:
        model = self.model
        if model is None or model.is_decoder:
            return None
        other = self.second.text()

        def sim(tokens: Tokens, cancel) -> float:
            return cosine(model.encoder.embedding(tokens), model.encoder.embedding(model.tokenize(other)))

        return self._with_tokens(sim, lambda c: self.answer(  # type: ignore[attr-defined]
            f"cosine similarity of the two texts: {c:.4f}"))
