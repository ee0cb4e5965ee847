"""Byte-level decoders compiled by quantc: generation and perplexity.

A decoder has the interface of docs/llm.md: one integer input of tokens
[1, S], float cache inputs named past... with one dynamic dimension, each
returned extended as the output named present..., and float logits
[1, S, 256]. `generate` does what `quantc generate` does, with the same
sampler, so the same seed gives the same text; `perplexity` scores a text.

    with quantc.load("libgpt.so") as model:
        text, stats = quantc.llm.generate(model, "And God said", 50)
        print(quantc.llm.perplexity(model, open("heldout.txt", "rb").read()))
"""

import math
import time

import numpy as np

from .model import QuantcError

_MASK = (1 << 64) - 1


class Decoder:
    """The roles of a compiled model's inputs and outputs."""

    def __init__(self, model):
        self.model = model
        integer = [i for i in model.inputs if np.issubdtype(i.dtype, np.integer)]
        if len(integer) != 1:
            raise QuantcError("the model needs exactly one integer input (the tokens), "
                              f"it has {len(integer)}")
        self.tokens = integer[0]
        if len(self.tokens.shape) != 2:
            raise QuantcError(f"the token input '{self.tokens.name}' must have rank 2 "
                              "([1, sequence])")
        outputs = {o.name: o for o in model.outputs}
        self.caches = []  # (input, output name, axis)
        for info in model.inputs:
            if info is self.tokens:
                continue
            if "past" not in info.name or info.dtype != np.float32:
                raise QuantcError(f"input '{info.name}' is neither the tokens nor a float "
                                  "cache input named past...")
            present = info.name.replace("past", "present", 1)
            if present not in outputs:
                raise QuantcError(f"cache input '{info.name}' has no output '{present}'")
            axes = [d for d, size in enumerate(info.shape) if size is None]
            if len(axes) != 1:
                raise QuantcError(f"cache input '{info.name}' must have exactly one "
                                  f"dynamic dimension (its length), it has {len(axes)}")
            self.caches.append((info, present, axes[0]))
        cache_outputs = {c[1] for c in self.caches}
        if "logits" in outputs:
            self.logits = "logits"
        else:
            others = [o for o in outputs if o not in cache_outputs]
            if len(others) != 1:
                raise QuantcError("the model has no output 'logits' and "
                                  f"{len(others)} outputs besides its cache")
            self.logits = others[0]
        shape = outputs[self.logits].shape
        if len(shape) != 3 or shape[2] != 256:
            raise QuantcError(f"the logits '{self.logits}' must be float [1, sequence, 256]")

    def empty_cache(self):
        cache = {}
        for info, _, axis in self.caches:
            if any(size is None for d, size in enumerate(info.shape) if d != axis):
                raise QuantcError(f"cache input '{info.name}' has other dynamic sizes")
            shape = [0 if d == axis else size for d, size in enumerate(info.shape)]
            cache[info.name] = np.zeros(shape, np.float32)
        return cache

    def run(self, tokens, cache):
        """Logits [S, 256] of `tokens` after `cache`, and the new cache."""
        feeds = dict(cache)
        feeds[self.tokens.name] = np.asarray(tokens, self.tokens.dtype).reshape(1, -1)
        out = self.model.run(feeds)
        return out[self.logits][0], {info.name: out[present]
                                     for info, present, _ in self.caches}


def _next_random(state):
    """SplitMix64: the new state and 64 random bits."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def sample(logits, top_k=0, temperature=1.0, state=0):
    """The next token and the new sampler state, as quantc generate picks it:
    greedy (the largest logit, the lowest index on ties) unless top_k > 1,
    else one of the top_k largest with probabilities softmax(logits / T)."""
    logits = np.asarray(logits, np.float32)
    order = sorted(range(len(logits)), key=lambda i: (-float(logits[i]), i))
    k = min(max(top_k, 1), len(logits))
    if k == 1:
        return order[0], state
    top = float(logits[order[0]])
    weights = [math.exp((float(logits[i]) - top) / temperature) for i in order[:k]]
    state, bits = _next_random(state)
    u = (bits >> 11) * 2.0 ** -53 * sum(weights)
    for i, w in zip(order[:k], weights):
        if u < w:
            return i, state
        u -= w
    return order[k - 1], state


def generate(model, prompt, max_tokens=50, top_k=0, temperature=1.0, seed=0, context=128):
    """Generates `max_tokens` bytes after `prompt` (bytes or str) with the
    compiled decoder `model`. Returns the generated bytes and a dict of the
    prefill and decode tokens and seconds."""
    decoder = Decoder(model)
    # Without a cache, a decode step would see its one token alone.
    if not decoder.caches:
        raise QuantcError("the model has no cache input (past...): generation needs a "
                          "key/value cache")
    history = list(prompt.encode() if isinstance(prompt, str) else prompt)
    if not history:
        raise QuantcError("the prompt is empty")
    if context < 2:
        raise QuantcError("the context must hold 2 tokens or more")
    stats = {"prefill_tokens": 0, "prefill_seconds": 0.0,
             "decode_tokens": 0, "decode_seconds": 0.0}

    def step(tokens, cache, phase):
        started = time.perf_counter()
        logits, cache = decoder.run(tokens, cache)
        stats[phase + "_seconds"] += time.perf_counter() - started
        stats[phase + "_tokens"] += len(tokens)
        return logits[-1], cache

    generated = []
    state = seed & _MASK
    tokens = history[-context:]
    logits, cache = step(tokens, decoder.empty_cache(), "prefill")
    cached = len(tokens)
    for n in range(max_tokens):
        token, state = sample(logits, top_k, temperature, state)
        history.append(token)
        generated.append(token)
        if n + 1 == max_tokens:
            break
        if cached + 1 > context:
            tokens = history[-(context // 2):]
            logits, cache = step(tokens, decoder.empty_cache(), "prefill")
            cached = len(tokens)
        else:
            logits, cache = step([token], cache, "decode")
            cached += 1
    return bytes(generated), stats


def calibration_samples(model_path, text, context=128):
    """Calibration samples for the ONNX decoder at `model_path`: windows of
    `context` bytes of `text`, each a prefill from an empty cache, as dicts
    of arrays by input name (the form quantc.compile's calibration takes)."""
    from onnx import TensorProto
    from .compiler import _graph_inputs
    inputs = _graph_inputs(model_path)
    token_types = {TensorProto.INT32: np.int32, TensorProto.INT64: np.int64}
    integer = [i for i in inputs if i.type.tensor_type.elem_type in token_types]
    if len(integer) != 1:
        raise QuantcError(f"{model_path}: the decoder needs exactly one integer input "
                          f"(the tokens), it has {len(integer)}")
    data = np.frombuffer(bytes(text), np.uint8).astype(
        token_types[integer[0].type.tensor_type.elem_type])
    for start in range(0, len(data) - context, context):
        sample = {}
        for info in inputs:
            if info is integer[0]:
                sample[info.name] = data[start:start + context].reshape(1, context)
            else:
                dims = [d.dim_value if d.HasField("dim_value") else 0
                        for d in info.type.tensor_type.shape.dim]
                sample[info.name] = np.zeros(dims, np.float32)
        yield sample


def perplexity(model, text, context=128):
    """Per-byte perplexity of `text` (bytes) under the compiled decoder:
    windows of context + 1 bytes advanced by context / 2, each run as one
    prefill from an empty cache and scoring its second half, as
    examples/tiny-gpt/train.py measures PyTorch's."""
    decoder = Decoder(model)
    data = np.frombuffer(bytes(text), np.uint8).astype(np.int64)
    half = context // 2
    total, count = 0.0, 0
    for start in range(0, len(data) - context - 1, half):
        window = data[start:start + context + 1]
        logits, _ = decoder.run(window[:-1], decoder.empty_cache())
        logits = logits[half:].astype(np.float64)
        targets = window[half + 1:]
        top = logits.max(axis=1, keepdims=True)
        log_z = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
        total += float((log_z - logits[np.arange(len(targets)), targets]).sum())
        count += len(targets)
    if count == 0:
        raise QuantcError(f"the text must be longer than {context + 1} bytes")
    return math.exp(total / count)
