"""How far B's decoded answer is from A's: detections paired by IoU (labels that differ, boxes only one model
found), top-1 classes, class maps pixel by pixel, keypoints; for language models the next-token top-k and where
two greedy continuations of the same prompt first diverge. Pure data (numpy), no inference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ovexplorer.core.text.decoder import NextToken
from ovexplorer.core.vision.results import Detection, VisionAnswer

#: Two boxes are the same object at this IoU or more.
MATCH_IOU = 0.5


def box_iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two ``x1, y1, x2, y2`` boxes (0 when either is empty)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = float(w * h)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass(frozen=True, slots=True)
class BoxPair:
    """A box of A and B's box for the same object (``a`` or ``b`` None: only one model found it); indexes are into
    each answer's visible boxes."""

    a: int | None
    b: int | None
    iou: float = 0.0
    same_label: bool = False


def pair_detections(a: Sequence[Detection], b: Sequence[Detection], min_iou: float = MATCH_IOU) -> list[BoxPair]:
    """Pair A's boxes with B's greedily, the highest IoU first, whatever their labels (a pair whose labels differ
    is the same object named differently); then A's unpaired boxes, then B's."""
    candidates = []
    for i, da in enumerate(a):
        for j, db in enumerate(b):
            iou = box_iou(da.box, db.box)
            if iou >= min_iou:
                candidates.append((-iou, da.label != db.label, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for neg, _, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append(BoxPair(i, j, -neg, a[i].label == b[j].label))
    pairs.sort(key=lambda p: p.a)
    pairs += [BoxPair(i, None) for i in range(len(a)) if i not in used_a]
    pairs += [BoxPair(None, j) for j in range(len(b)) if j not in used_b]
    return pairs


def token_text(piece: str, token: int) -> str:
    """A token as a user reads it: its piece quoted, or its id when it decodes to nothing alone (a byte, a special
    token the detokenizer skips)."""
    return repr(piece) if piece else f"token {token}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


@dataclass(frozen=True)
class VisionAgreement:
    """A's and B's answers for one picture, and how far they agree (the figures that apply to the task)."""

    task: str
    threshold: float
    boxes_a: tuple[Detection, ...] = ()
    boxes_b: tuple[Detection, ...] = ()
    pairs: tuple[BoxPair, ...] = ()
    top_a: tuple[str, ...] = ()  # classification: the top-k names
    top_b: tuple[str, ...] = ()
    pixel_agreement: float | None = None  # segmentation: share of pixels given the same class
    keypoint_distance: float | None = None  # keypoints: mean distance in pixels
    scores: tuple[float | None, float | None] = (None, None)  # anomaly
    labels: tuple[str, str] = ("", "")  # anomaly verdicts

    @property
    def matched(self) -> list[BoxPair]:
        return [p for p in self.pairs if p.a is not None and p.b is not None]

    @property
    def label_differs(self) -> list[BoxPair]:
        return [p for p in self.matched if not p.same_label]

    @property
    def only_a(self) -> list[BoxPair]:
        return [p for p in self.pairs if p.b is None]

    @property
    def only_b(self) -> list[BoxPair]:
        return [p for p in self.pairs if p.a is None]

    @property
    def mean_iou(self) -> float | None:
        m = self.matched
        return float(np.mean([p.iou for p in m])) if m else None

    @property
    def top1_agrees(self) -> bool | None:
        if not self.top_a or not self.top_b:
            return None
        return self.top_a[0] == self.top_b[0]

    @property
    def agrees(self) -> bool:
        """The answers tell the user the same thing (same boxes with the same labels, same top class...)."""
        if self.task in ("detection", "instance-segmentation"):
            return not self.only_a and not self.only_b and not self.label_differs
        if self.task == "classification":
            return bool(self.top1_agrees)
        if self.task == "segmentation":
            return self.pixel_agreement is not None and self.pixel_agreement >= 0.99
        if self.task == "anomaly":
            return self.labels[0] == self.labels[1]
        if self.task == "keypoints":
            return self.keypoint_distance is not None and self.keypoint_distance <= 3.0
        return False

    def summary(self) -> str:
        """One or two sentences a user reads."""
        if self.task in ("detection", "instance-segmentation"):
            na, nb = len(self.boxes_a), len(self.boxes_b)
            head = (f"A found {_plural(na, 'box', 'boxes')}, B {_plural(nb, 'box', 'boxes')} "
                    f"(scores ≥ {self.threshold:.2f})")
            if not na and not nb:
                return head + "."
            m = self.matched
            parts = [f"{len(m)} matched (IoU ≥ {MATCH_IOU:g}" + (f", mean {self.mean_iou:.2f})" if m else ")")]
            differ = self.label_differs
            if differ:
                parts.append(f"{len(differ)} with another label: " + ", ".join(
                    f"{self.boxes_a[p.a].name} → {self.boxes_b[p.b].name}" for p in differ[:4]))
            if self.only_a:
                parts.append(f"{len(self.only_a)} only in A: " + ", ".join(self.boxes_a[p.a].name
                                                                         for p in self.only_a[:4]))
            if self.only_b:
                parts.append(f"{len(self.only_b)} only in B: " + ", ".join(self.boxes_b[p.b].name
                                                                         for p in self.only_b[:4]))
            return f"{head}: " + "; ".join(parts) + "."
        if self.task == "classification":
            if self.top1_agrees is None:
                return "No class to compare."
            k = min(len(self.top_a), len(self.top_b))
            overlap = len(set(self.top_a[:k]) & set(self.top_b[:k]))
            verdict = "agrees" if self.top1_agrees else "differs"
            return (f"Top-1 class {verdict}: A {self.top_a[0]}, B {self.top_b[0]}; top-{k} classes in common: "
                    f"{overlap} of {k}.")
        if self.task == "segmentation":
            return ("Class maps of different sizes." if self.pixel_agreement is None else
                    f"{self.pixel_agreement:.1%} of pixels get the same class from A and B.")
        if self.task == "keypoints":
            return ("No keypoint both models place." if self.keypoint_distance is None else
                    f"Keypoints are {self.keypoint_distance:.1f} px apart on average.")
        if self.task == "anomaly":
            sa, sb = self.scores
            return (f"Verdict {'agrees' if self.labels[0] == self.labels[1] else 'differs'}: A {self.labels[0]} "
                    f"({sa or 0:.3f}), B {self.labels[1]} ({sb or 0:.3f}).")
        return ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"task": self.task, "threshold": self.threshold, "agrees": self.agrees,
                                "summary": self.summary()}
        if self.task in ("detection", "instance-segmentation"):
            def box(d: Detection) -> dict[str, Any]:
                return {"label": d.label, "name": d.name, "score": round(d.score, 4), "box": list(d.box)}

            data.update(boxes_a=len(self.boxes_a), boxes_b=len(self.boxes_b), matched=len(self.matched),
                        label_differs=len(self.label_differs), only_a=len(self.only_a), only_b=len(self.only_b),
                        mean_iou=self.mean_iou,
                        pairs=[{"a": None if p.a is None else box(self.boxes_a[p.a]),
                                "b": None if p.b is None else box(self.boxes_b[p.b]),
                                "iou": round(p.iou, 4), "same_label": p.same_label} for p in self.pairs])
        elif self.task == "classification":
            data.update(top_a=list(self.top_a), top_b=list(self.top_b), top1_agrees=self.top1_agrees)
        elif self.task == "segmentation":
            data["pixel_agreement"] = self.pixel_agreement
        elif self.task == "keypoints":
            data["keypoint_distance"] = self.keypoint_distance
        elif self.task == "anomaly":
            data.update(score_a=self.scores[0], score_b=self.scores[1], label_a=self.labels[0],
                        label_b=self.labels[1])
        return data


def vision_agreement(a: VisionAnswer, b: VisionAnswer, threshold: float) -> VisionAgreement:
    """Compare two answers to the same picture, both shown at ``threshold``."""
    task = a.task
    if task in ("detection", "instance-segmentation"):
        boxes_a, boxes_b = a.visible(threshold), b.visible(threshold)
        return VisionAgreement(task, threshold, boxes_a, boxes_b, tuple(pair_detections(boxes_a, boxes_b)))
    if task == "classification":
        return VisionAgreement(task, threshold, top_a=tuple(c.name for c in a.classes),
                               top_b=tuple(c.name for c in b.classes))
    if task == "segmentation":
        agree = None
        if a.class_map is not None and b.class_map is not None and a.class_map.shape == b.class_map.shape:
            agree = float(np.mean(a.class_map == b.class_map)) if a.class_map.size else 1.0
        return VisionAgreement(task, threshold, pixel_agreement=agree)
    if task == "keypoints":
        both = [(ka, kb) for ka, kb in zip(a.keypoints, b.keypoints, strict=False)
                if ka.score >= threshold and kb.score >= threshold]
        dist = float(np.mean([np.hypot(ka.x - kb.x, ka.y - kb.y) for ka, kb in both])) if both else None
        return VisionAgreement(task, threshold, keypoint_distance=dist)
    if task == "anomaly":
        return VisionAgreement(task, threshold, scores=(a.anomaly_score, b.anomaly_score),
                               labels=(a.anomaly_label, b.anomaly_label))
    return VisionAgreement(task, threshold)


def first_divergence(a: Sequence[Any], b: Sequence[Any]) -> int | None:
    """The first position where two sequences differ (the shorter one's length when one is the other's start),
    None when they are equal."""
    for k, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return k
    return None if len(a) == len(b) else min(len(a), len(b))


@dataclass(frozen=True)
class TextAgreement:
    """Two language models on the same prompt: the next-token top-k of each and their greedy continuations."""

    prompt: str
    prompt_ids_a: tuple[int, ...]
    prompt_ids_b: tuple[int, ...]
    next_a: NextToken
    next_b: NextToken
    tokens_a: tuple[int, ...] = ()
    tokens_b: tuple[int, ...] = ()
    pieces_a: tuple[str, ...] = ()
    pieces_b: tuple[str, ...] = ()
    text_a: str = ""
    text_b: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def same_tokens(self) -> bool:
        """The prompt became the same ids for both (the same tokenizer): ids can be compared."""
        return self.prompt_ids_a == self.prompt_ids_b

    @property
    def top1_agrees(self) -> bool:
        return bool(self.next_a.ids and self.next_b.ids and self.next_a.ids[0] == self.next_b.ids[0])

    @property
    def topk_overlap(self) -> int:
        return len(set(self.next_a.ids) & set(self.next_b.ids))

    @property
    def divergence(self) -> int | None:
        """The first generated token where A and B differ (by id; by piece when the tokenizers differ)."""
        if self.same_tokens:
            return first_divergence(self.tokens_a, self.tokens_b)
        return first_divergence(self.pieces_a, self.pieces_b)

    def summary(self) -> str:
        k = min(len(self.next_a.ids), len(self.next_b.ids))
        if not k:
            return "No next token to compare."
        pa = token_text(self.next_a.pieces[0], self.next_a.ids[0])
        pb = token_text(self.next_b.pieces[0], self.next_b.ids[0])
        if self.top1_agrees:
            head = (f"Next token agrees: {pa} (A {self.next_a.probs[0]:.1%}, B {self.next_b.probs[0]:.1%}); "
                    f"top-{k} tokens in common: {self.topk_overlap} of {k}.")
        else:
            head = f"Next token differs: A {pa}, B {pb}; top-{k} tokens in common: {self.topk_overlap} of {k}."
        n = min(len(self.tokens_a), len(self.tokens_b))
        d = self.divergence
        if d is None:
            return head + f" The greedy continuations are the same ({_plural(n, 'token')})."
        if d >= n:
            return head + f" The greedy continuations agree for {_plural(d, 'token')}, then one of them stops."
        says = (f"A says {token_text(self.pieces_a[d], self.tokens_a[d])} and B says "
                f"{token_text(self.pieces_b[d], self.tokens_b[d])}")
        if d == 0:
            return head + f" The greedy continuations differ from their first token: {says}."
        return head + f" The greedy continuations agree for {_plural(d, 'token')}, then {says}."

    def to_dict(self) -> dict[str, Any]:
        def top(n: NextToken) -> list[dict[str, Any]]:
            return [{"id": i, "piece": p, "prob": round(q, 6)} for i, p, q in zip(n.ids, n.pieces, n.probs,
                                                                                   strict=True)]

        return {"prompt": self.prompt, "same_tokenizer": self.same_tokens, "prompt_tokens_a": len(self.prompt_ids_a),
                "prompt_tokens_b": len(self.prompt_ids_b), "top_a": top(self.next_a), "top_b": top(self.next_b),
                "top1_agrees": self.top1_agrees, "topk_overlap": self.topk_overlap, "tokens_a": list(self.tokens_a),
                "tokens_b": list(self.tokens_b), "text_a": self.text_a, "text_b": self.text_b,
                "first_divergence": self.divergence, "summary": self.summary(), "notes": list(self.notes)}
