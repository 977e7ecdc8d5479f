"""The app's own decoding loop over a causal language model IR: stateful (KV cache in the model's state) or
stateless (KV cache as ``past_key_values.*`` inputs and ``present.*`` outputs): next-token distribution and a
streamed, cancellable generation of N tokens with per-token timings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import openvino as ov

from ovexplorer.core.model.document import shared_core
from ovexplorer.core.text.sampling import Sampler, SamplingConfig, softmax
from ovexplorer.core.text.token_inputs import fill_token_inputs
from ovexplorer.core.text.tokenizer import TextTokenizer
from ovexplorer.core.util.errors import DeviceError, InputError, openvino_reason
from ovexplorer.core.util.tasks import CancelToken


@dataclass(frozen=True)
class NextToken:
    """The distribution of the next token: the top-k ids, their probabilities and pieces."""

    ids: tuple[int, ...]
    probs: tuple[float, ...]
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class TokenEvent:
    """One generated token as it arrives: its index, id, the new text it adds, and the time its step took."""

    index: int
    token: int
    text: str
    seconds: float


@dataclass
class GenerationResult:
    """A finished (or stopped) generation."""

    prompt_tokens: int
    tokens: list[int] = field(default_factory=list)
    text: str = ""
    step_seconds: list[float] = field(default_factory=list)  # [0]: the prompt step (time to first token)
    stopped: bool = False  # by the user (Stop) before max_new_tokens
    reason: str = ""  # "length", "eos", "stopped", "context"
    first_step: NextToken | None = None

    @property
    def ttft(self) -> float:
        return self.step_seconds[0] if self.step_seconds else float("nan")

    @property
    def tpot(self) -> float:
        rest = self.step_seconds[1:]
        return float(np.mean(rest)) if rest else float("nan")

    @property
    def tokens_per_second(self) -> float:
        total = sum(self.step_seconds)
        return len(self.tokens) / total if total > 0 else float("nan")


def _logits_port(model: ov.Model) -> ov.Output:
    for port in model.outputs:
        if "logits" in port.get_names():
            return port
    return model.outputs[0]


#: Element-wise operations between the vocabulary projection and the logits (casts, logit soft-capping)
_LOGITS_TAIL = {"Convert", "Multiply", "Divide", "Tanh", "Add"}


def slice_last_position(model: ov.Model) -> bool:
    """Compute the logits of the last position only, as openvino-genai's LLMPipeline does: a Slice of the hidden
    states ``[batch, seq, hidden]`` to their last position before the vocabulary projection (the MatMul feeding
    the logits). The prompt step then skips ``seq - 1`` projections of the vocabulary size and does not make a
    ``[1, seq, vocab]`` array. False (model unchanged) when the logits do not come from such a MatMul."""
    node = _logits_port(model).get_node()
    if node.get_type_name() == "Result":
        node = node.input_value(0).get_node()
    while node.get_type_name() in _LOGITS_TAIL:
        node = node.input_value(0).get_node()
    if node.get_type_name() != "MatMul":
        return False
    hidden = node.input_value(0)
    if hidden.get_partial_shape().rank.is_dynamic or hidden.get_partial_shape().rank.get_length() != 3:
        return False
    from openvino import opset13 as ops

    def const(v: int) -> ov.Node:
        return ops.constant(np.array([v], dtype=np.int64))

    last = ops.slice(hidden, const(-1), const(-2), const(-1), const(1))
    node.input(0).replace_source_output(last.output(0))
    model.validate_nodes_and_infer_types()
    return True


class DecoderSession:
    """A causal LM compiled on a device, with one infer request and its KV cache (state or arrays)."""

    def __init__(self, model: ov.Model | str, device: str = "CPU", config: dict[str, str] | None = None, *,
                 vocab: int | None = None, context: int | None = None) -> None:
        core = shared_core()
        if isinstance(model, str):
            model = core.read_model(model)
        self.stateful = bool(model.get_sinks())
        self.kv_inputs = [p.get_any_name() for p in model.inputs
                          if any(n.startswith("past_key_values") for n in p.get_names())]
        self.kv_outputs = [n.replace("past_key_values", "present") for n in self.kv_inputs]
        self.kv_shapes: dict[str, tuple[list[int], type]] = {}  # input -> (empty-cache dims, dtype)
        for p in model.inputs:
            if p.get_any_name() in self.kv_inputs:
                dims = [d.get_length() if d.is_static else 0 for d in p.get_partial_shape()]
                dims[0] = 1
                self.kv_shapes[p.get_any_name()] = (dims, p.get_element_type().to_dtype())
        #: the logits of the last position only (openvino-genai's transformation; the model is changed in place)
        self.sliced = slice_last_position(model)
        logits = _logits_port(model)
        self.logits_name = logits.get_any_name()
        shape = logits.get_partial_shape()
        self.vocab = vocab or (shape[-1].get_length() if shape.rank.is_static and shape[-1].is_static else None)
        self.context = context
        try:
            self.compiled = core.compile_model(model, device, config or {})
        except RuntimeError as exc:
            raise DeviceError(f"Cannot compile the language model for {device}: {openvino_reason(str(exc))}") \
                from exc
        self.inputs = list(self.compiled.inputs)
        names = {p.get_any_name() for p in self.inputs} - set(self.kv_inputs)
        #: the usual optimum-intel inputs: fed without the general fill (a few microseconds per token matter here)
        self._fast_feed = names <= {"input_ids", "attention_mask", "position_ids", "beam_idx"} and \
            all(p.get_element_type() == ov.Type.i64 for p in self.inputs
                if p.get_any_name() in names - {"beam_idx"})
        self._names = names
        self._logits_index = next(i for i, port in enumerate(self.compiled.outputs)
                                  if port.get_any_name() == self.logits_name)
        self.request = self.compiled.create_infer_request()
        self.lock = threading.Lock()
        self.past = 0
        self._kv: dict[str, np.ndarray] = {}
        # The decode step's inputs, written in place between steps (set on the request once per generation)
        self._step_ids = np.zeros((1, 1), dtype=np.int64)
        self._step_pos = np.zeros((1, 1), dtype=np.int64)
        self._mask = np.ones((1, 0), dtype=np.int64)
        self._mask_tensor: ov.Tensor | None = None
        self._step_ready = False
        self._held: dict[str, np.ndarray] = {}
        self.reset()

    def reset(self) -> None:
        """Forget the KV cache."""
        self.past = 0
        if self.stateful:
            self.request.reset_state()
        self._kv = {name: np.zeros(dims, dtype) for name, (dims, dtype) in self.kv_shapes.items()}

    def check_ids(self, ids: np.ndarray, what: str = "The tokenizer") -> None:
        """Raise :class:`InputError` when an id is outside the model's vocabulary (checked before inference)."""
        if self.vocab is not None and ids.size and (ids.max() >= self.vocab or ids.min() < 0):
            bad = int(ids.max() if ids.max() >= self.vocab else ids.min())
            raise InputError(f"{what} gave token id {bad}, outside the model's vocabulary of {self.vocab:,} "
                             f"(ids 0-{self.vocab - 1:,}): the tokenizer does not match this model.")

    def check_context(self, prompt_tokens: int) -> None:
        if self.context is not None and prompt_tokens > self.context:
            raise InputError(f"The prompt has {prompt_tokens:,} tokens, more than the model's context of "
                             f"{self.context:,} tokens: shorten it.")

    def _set(self, name: str, value: np.ndarray) -> ov.Tensor:
        tensor = ov.Tensor(value, shared_memory=True)
        self.request.set_tensor(name, tensor)
        self._held[name] = value  # the request reads this memory: keep the array alive while it is set
        return tensor

    def _feed(self, ids: np.ndarray, capacity: int) -> None:
        """Set every input for ``ids`` after the cached tokens. The usual inputs of an optimum-intel export are
        set on the request with room for ``capacity`` tokens, so that the next steps only write into them
        (:meth:`_feed_token`), as openvino-genai does."""
        n, past = ids.size, self.past
        if not self._fast_feed:
            feed = fill_token_inputs(self.inputs, ids, past=past)
            feed.update(self._kv)
            for name, value in feed.items():
                self._set(name, value)
            self._mask_tensor = None
            return
        self._set("input_ids", ids.reshape(1, n))
        if "position_ids" in self._names:
            self._set("position_ids", np.arange(past, past + n, dtype=np.int64).reshape(1, n))
        if "beam_idx" in self._names:
            self._set("beam_idx", np.zeros((1,), dtype=np.int32))
        if "attention_mask" in self._names:
            if self._mask.shape[1] < max(capacity, past + n):
                self._mask = np.ones((1, max(capacity, past + n)), dtype=np.int64)
            self._mask_tensor = self._set("attention_mask", self._mask)
            self._mask_tensor.shape = [1, past + n]
        for name, value in self._kv.items():
            self._set(name, value)
        self._step_ready = False

    def _feed_token(self, token: int) -> None:
        """The inputs of one decode step after :meth:`_feed`: written in place (no new arrays) on the fast path."""
        if not self._fast_feed or (self._mask_tensor is not None and self._mask.shape[1] < self.past + 1):
            self._feed(np.array([token], dtype=np.int64), self.past + 1)
            return
        self._step_ids[0, 0] = token
        self._step_pos[0, 0] = self.past
        if not self._step_ready:  # the first decode step: the [1, 1] arrays replace the prompt's
            self._set("input_ids", self._step_ids)
            if "position_ids" in self._names:
                self._set("position_ids", self._step_pos)
            self._step_ready = True
        if self._mask_tensor is not None:
            self._mask_tensor.shape = [1, self.past + 1]
        for name, value in self._kv.items():
            self._set(name, value)

    def _run(self, wait: bool = True) -> None:
        try:
            self.request.start_async()
            if wait:
                self.request.wait()
        except RuntimeError as exc:
            raise DeviceError(f"Inference failed: {openvino_reason(str(exc))}") from exc

    def _wait(self) -> None:
        try:
            self.request.wait()
        except RuntimeError as exc:
            raise DeviceError(f"Inference failed: {openvino_reason(str(exc))}") from exc

    def _after_step(self, fed: int) -> np.ndarray:
        """The logits of the last position (a view on the output, valid until the next step); the KV cache of
        a stateless model is kept for the next step."""
        for inp, out in zip(self.kv_inputs, self.kv_outputs, strict=True):
            self._kv[inp] = np.array(self.request.get_tensor(out).data)
        self.past += fed
        return self.request.get_output_tensor(self._logits_index).data[0, -1]

    def forward(self, ids: np.ndarray) -> np.ndarray:
        """Feed ``ids`` after the cached tokens; the logits of the last position (float32, a copy)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        self._feed(ids, self.past + ids.size)
        self._run()
        return np.array(self._after_step(ids.size), dtype=np.float32)

    def next_token(self, ids: np.ndarray, k: int = 10, tokenizer: TextTokenizer | None = None) -> NextToken:
        """The top-k of the next token after ``ids`` (from a fresh cache)."""
        with self.lock:
            self.reset()
            self.check_ids(np.asarray(ids))
            logits = self.forward(ids)
        return top_k_of(logits, k, tokenizer)

    def generate(self, ids: np.ndarray, max_new_tokens: int, *, sampling: SamplingConfig | None = None,
                 tokenizer: TextTokenizer | None = None, eos: tuple[int, ...] = (),
                 on_token: Callable[[TokenEvent], None] | None = None, cancel: CancelToken | None = None,
                 top_k: int = 10) -> GenerationResult:
        """Generate up to ``max_new_tokens`` after ``ids``; each token goes to ``on_token`` as it comes. Cancel
        stops after the current step and returns what was made (the session stays usable)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        self.check_ids(ids)
        self.check_context(ids.size)
        sampler = Sampler(sampling or SamplingConfig())
        result = GenerationResult(prompt_tokens=int(ids.size))
        with self.lock:
            self.reset()
            if max_new_tokens <= 0:
                result.reason = "length"
            elif cancel is not None and cancel.cancelled:
                result.stopped, result.reason = True, "stopped"
            else:
                self._decode(ids, max_new_tokens, sampler, result, tokenizer, eos, on_token, cancel, top_k)
        if tokenizer is not None and tokenizer.can_decode:
            result.text = tokenizer.decode(result.tokens)
        return result

    def _decode(self, ids: np.ndarray, max_new_tokens: int, sampler: Sampler, result: GenerationResult,
                tokenizer: TextTokenizer | None, eos: tuple[int, ...], on_token: Callable[[TokenEvent], None] | None,
                cancel: CancelToken | None, top_k: int) -> None:
        """The decoding loop. Times are taken as openvino-genai's PerfMetrics take them: the first token's from the
        start (inputs set, prompt step, sampling), each next one from the previous token, so everything between two
        tokens counts. Each step starts before the previous token is streamed (text, ``on_token``): the model
        computes while Python works, and nothing but sampling and a few writes lies between two inferences."""
        last = time.perf_counter()
        self._feed(ids, ids.size + max_new_tokens)
        self._run()
        logits = self._after_step(ids.size)
        for index in range(max_new_tokens):
            token = sampler(logits)
            first = np.array(logits, dtype=np.float32) if index == 0 else None  # the output is reused by the next step
            now = time.perf_counter()
            seconds, last = now - last, now
            result.tokens.append(token)
            result.step_seconds.append(seconds)
            if token in eos:
                result.reason = "eos"
            elif index + 1 == max_new_tokens:
                result.reason = "length"
            elif self.context is not None and self.past + 1 > self.context:
                result.reason = "context"
            running = not result.reason
            if running:
                self._feed_token(token)
                self._run(wait=False)
            try:
                if first is not None:
                    result.first_step = top_k_of(first, top_k, tokenizer)
                delta = self._text_delta(result, tokenizer)
                if on_token is not None:
                    on_token(TokenEvent(index, token, delta, seconds))
            finally:
                if running:
                    self._wait()
            if not running:
                break
            if cancel is not None and cancel.cancelled:  # the step in flight is dropped (the next use resets)
                result.stopped, result.reason = True, "stopped"
                break
            logits = self._after_step(1)

    @staticmethod
    def _text_delta(result: GenerationResult, tokenizer: TextTokenizer | None) -> str:
        """The text the newest token adds (held back while it ends inside a multi-byte character)."""
        if tokenizer is None or not tokenizer.can_decode:
            return f" {result.tokens[-1]}"
        text = tokenizer.decode(result.tokens)
        if text.endswith("\ufffd"):
            return ""
        delta = text[len(result.text):] if text.startswith(result.text) else text
        result.text = text
        return delta


def top_k_of(logits: np.ndarray, k: int, tokenizer: TextTokenizer | None = None) -> NextToken:
    probs = softmax(logits)
    order = np.argsort(-probs, kind="stable")[:k]
    pieces = tuple(tokenizer.pieces(order)) if tokenizer is not None else tuple(str(i) for i in order)
    return NextToken(ids=tuple(int(i) for i in order), probs=tuple(float(probs[i]) for i in order), pieces=pieces)
