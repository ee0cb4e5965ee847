"""Trains the tiny GPT of examples/tiny-gpt on the King James Bible (Debian's
bible-kjv) with PyTorch (python3-torch), with a fixed seed, and exports it to
ONNX with a key/value cache.

The model is a byte-level GPT-2-style decoder:

    token embedding (256 -> 256) + learned position embedding (128 -> 256)
    4 blocks, each
        x += proj(attention(LayerNorm(x)))     4 heads of 64, causal
        x += fc2(GELU(fc1(LayerNorm(x))))      256 -> 1024 -> 256
    LayerNorm, head (256 -> 256 byte logits)

The text is `bible -f "Gen1:1-Rev22:21"` without the verse references, one
verse a line, as bytes (it is ASCII). Every 20th chapter is held out: it is
never trained on and is written to --heldout, whose bytes measure
perplexity; --calibration gets 32 KB of training text to calibrate static
quantization on. Training takes --steps steps of 32 random windows of 129 bytes
(AdamW, linear warm-up then cosine decay); the default 1800 steps take
about 25 minutes on two cores. --reference gets PyTorch's own logits on a
fixed prompt (reference.npz), which the tests compare quantc's with.

The ONNX model (opset 17) has inputs
    tokens            int64 [1, S]            the new bytes
    past_key_L        float32 [1, 4, P, 64]   for L = 0..3, the cache
    past_value_L      float32 [1, 4, P, 64]
and outputs
    logits            float32 [1, S, 256]
    present_key_L     float32 [1, 4, P + S, 64]
    present_value_L   float32 [1, 4, P + S, 64]
with S and P dynamic (P may be 0) and P + S at most 128, the context: the
new bytes sit at positions P to P + S - 1 and attend to the cache and to
themselves up to their own position.

With --gpt2-small it trains nothing and exports a model of GPT-2 small's
shape instead (12 blocks of width 768 with 12 heads, vocabulary 50257,
context 1024; 163M parameters, GPT-2 small's 124M and an untied output
head) with random weights, for speed measurements (bench/llm_speed.py); it
is not committed.

Usage (make tiny-gpt-model runs it):
    /usr/bin/python3 examples/tiny-gpt/train.py examples/tiny-gpt/tiny_gpt.onnx \
        --heldout examples/tiny-gpt/heldout.txt \
        --reference examples/tiny-gpt/reference.npz \
        --calibration examples/tiny-gpt/calibration.txt [--steps N]
"""

import argparse
import math
import os
import re
import subprocess
import sys
import time

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn



@dataclass(frozen=True)
class Shape:
    vocabulary: int
    context: int
    layers: int
    width: int
    heads: int

    @property
    def head(self):
        return self.width // self.heads


TINY = Shape(vocabulary=256, context=128, layers=4, width=256, heads=4)
# GPT-2 small's shape, for speed measurements only: its 124M parameters
# plus an output head of its own (GPT-2 ties it to the token embedding),
# 163M in all.
GPT2_SMALL = Shape(vocabulary=50257, context=1024, layers=12, width=768, heads=12)
VOCAB = TINY.vocabulary
CONTEXT = TINY.context
HELD_OUT_EVERY = 20


class Block(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape
        width = shape.width
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, 4 * width)
        self.gelu = nn.GELU()
        self.fc2 = nn.Linear(4 * width, width)

    def forward(self, x, past_key, past_value):
        """x [B, S, width]; the cache [B, heads, P, head]. Returns x and the
        cache extended by the S new keys and values."""
        b, s, _ = x.shape
        width, heads, head = self.shape.width, self.shape.heads, self.shape.head
        q, k, v = self.qkv(self.ln1(x)).split(width, dim=2)
        q = q.reshape(b, s, heads, head).transpose(1, 2)
        k = torch.cat([past_key, k.reshape(b, s, heads, head).transpose(1, 2)], dim=2)
        v = torch.cat([past_value, v.reshape(b, s, heads, head).transpose(1, 2)], dim=2)
        past = past_key.shape[2]
        scores = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(head))
        # Query i sits at position past + i and sees keys 0 .. past + i.
        keys = torch.arange(past + s).unsqueeze(0)
        queries = torch.arange(s).unsqueeze(1) + past
        scores = scores.masked_fill(keys > queries, float("-inf"))
        attention = torch.matmul(torch.softmax(scores, dim=-1), v)
        x = x + self.proj(attention.transpose(1, 2).reshape(b, s, width))
        x = x + self.fc2(self.gelu(self.fc1(self.ln2(x))))
        return x, k, v


class GPT(nn.Module):
    def __init__(self, shape=TINY):
        super().__init__()
        self.shape = shape
        self.tokens = nn.Embedding(shape.vocabulary, shape.width)
        self.positions = nn.Embedding(shape.context, shape.width)
        self.blocks = nn.ModuleList([Block(shape) for _ in range(shape.layers)])
        self.ln = nn.LayerNorm(shape.width)
        self.head = nn.Linear(shape.width, shape.vocabulary, bias=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = (0.02 / math.sqrt(2 * shape.layers)
                       if name.endswith(("proj.weight", "fc2.weight")) else 0.02)
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, tokens, *cache):
        """tokens [B, S]; cache: past_key_0, past_value_0, ... Returns the
        logits [B, S, vocabulary] and the extended cache, in the same order."""
        past = cache[0].shape[2]
        positions = torch.arange(past, past + tokens.shape[1])
        x = self.tokens(tokens) + self.positions(positions)
        present = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, cache[2 * i], cache[2 * i + 1])
            present += [k, v]
        return (self.head(self.ln(x)), *present)

    def empty_cache(self, batch):
        shape = self.shape
        return [torch.zeros(batch, shape.heads, 0, shape.head) for _ in range(2 * shape.layers)]


def load_text():
    """The verses without their references, and each verse's chapter
    number in reading order."""
    dump = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], check=True,
                          capture_output=True, text=True).stdout
    verses, chapters = [], []
    chapter, previous = -1, None
    for line in dump.splitlines():
        m = re.match(r"^(\S+?)(\d+):(\d+) (.*)$", line)
        if not m:
            continue
        key = (m.group(1), m.group(2))
        if key != previous:
            chapter, previous = chapter + 1, key
        verses.append(m.group(4))
        chapters.append(chapter)
    return verses, chapters


def split(verses, chapters):
    train = [v for v, c in zip(verses, chapters) if c % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    heldout = [v for v, c in zip(verses, chapters) if c % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    return "\n".join(train) + "\n", "\n".join(heldout) + "\n"


def calibration_sample(text):
    """16 pieces of 2048 training bytes at random places (fixed seed), each
    cut to whole lines: text to calibrate static quantization on, never the
    held-out text."""
    rng = np.random.default_rng(2)
    pieces = []
    for start in sorted(rng.integers(0, len(text) - 4096, 16).tolist()):
        piece = text[start:start + 4096]
        piece = piece[piece.index("\n") + 1:]
        pieces.append(piece[:2048].rsplit("\n", 1)[0] + "\n")
    return "".join(pieces)


def perplexity(model, data):
    """Per-byte perplexity over `data`: windows of CONTEXT + 1 bytes
    advanced by CONTEXT / 2, each scoring its second half (every byte but
    the first half of the first window sees CONTEXT / 2 bytes or more)."""
    model.eval()
    half = CONTEXT // 2
    total, count = 0.0, 0
    with torch.no_grad():
        starts = list(range(0, len(data) - CONTEXT - 1, half))
        for i in range(0, len(starts), 64):
            batch = torch.stack([data[s:s + CONTEXT + 1] for s in starts[i:i + 64]])
            logits = model(batch[:, :-1], *model.empty_cache(batch.shape[0]))[0]
            loss = nn.functional.cross_entropy(logits[:, half:].reshape(-1, VOCAB),
                                               batch[:, half + 1:].reshape(-1), reduction="sum")
            total += loss.item()
            count += batch[:, half + 1:].numel()
    model.train()
    return math.exp(total / count)


class Exported(nn.Module):
    """The model with the cache as separate named inputs."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, tokens, *cache):
        return self.model(tokens, *cache)


def export(model, path):
    model.eval()
    shape = model.shape
    cache_names = [f"past_{kind}_{i}" for i in range(shape.layers) for kind in ("key", "value")]
    present_names = [f"present_{kind}_{i}" for i in range(shape.layers)
                     for kind in ("key", "value")]
    tokens = torch.randint(0, shape.vocabulary, (1, 5))
    cache = [torch.randn(1, shape.heads, 3, shape.head) for _ in range(2 * shape.layers)]
    dynamic = {"tokens": {1: "sequence"}, "logits": {1: "sequence"}}
    dynamic.update({n: {2: "past"} for n in cache_names})
    dynamic.update({n: {2: "total"} for n in present_names})
    torch.onnx.export(Exported(model), (tokens, *cache), path, opset_version=17,
                      input_names=["tokens"] + cache_names,
                      output_names=["logits"] + present_names,
                      dynamic_axes=dynamic, do_constant_folding=True)


def write_reference(model, path, heldout_perplexity):
    """PyTorch's own outputs on a fixed prompt, for the tests: the logits of
    a prefill from an empty cache, those of one more byte on its cache, the
    50 bytes greedy generation appends to the prompt, and the held-out
    perplexity."""
    model.eval()
    prompt = torch.tensor([list(b"And God said, Let there be")])
    step = torch.tensor([[ord(" ")]])
    with torch.no_grad():
        prefill = model(prompt, *model.empty_cache(1))
        after = model(step, *prefill[1:])
        # Greedy generation of 50 bytes after the prompt, through the cache.
        generated = []
        logits, cache = prefill[0], prefill[1:]
        for _ in range(50):
            token = int(logits[0, -1].argmax())
            generated.append(token)
            out = model(torch.tensor([[token]]), *cache)
            logits, cache = out[0], out[1:]
    np.savez_compressed(path, prompt=prompt.numpy(), prefill_logits=prefill[0].numpy(),
                        step=step.numpy(), step_logits=after[0].numpy(),
                        greedy=np.array(generated, np.int64),
                        heldout_perplexity=np.float64(heldout_perplexity))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--heldout")
    parser.add_argument("--reference")
    parser.add_argument("--calibration")
    parser.add_argument("--gpt2-small", action="store_true",
                        help="export a model of GPT-2 small's shape with random weights "
                             "(seed 0) instead of training the tiny one")
    parser.add_argument("--steps", type=int, default=1800)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    if args.gpt2_small:
        model = GPT(GPT2_SMALL)
        export(model, args.output)
        print(f"wrote {args.output}: {sum(p.numel() for p in model.parameters())} "
              "parameters, random weights", flush=True)
        return 0
    if not (args.heldout and args.reference and args.calibration):
        parser.error("training needs --heldout, --reference and --calibration")

    train_text, heldout_text = split(*load_text())
    with open(args.heldout, "w") as f:
        f.write(heldout_text)
    with open(args.calibration, "w") as f:
        f.write(calibration_sample(train_text))
    train = torch.tensor(list(train_text.encode("ascii")), dtype=torch.long)
    heldout = torch.tensor(list(heldout_text.encode("ascii")), dtype=torch.long)
    print(f"training on {len(train)} bytes, {len(heldout)} held out", flush=True)

    model = GPT()
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    other = [p for n, p in model.named_parameters() if p.dim() != 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": other, "weight_decay": 0.0}],
                                  lr=1e-3, betas=(0.9, 0.95))
    warmup = 200

    def rate(step):
        if step < warmup:
            return (step + 1) / warmup
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (args.steps - warmup)))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    generator = torch.Generator().manual_seed(1)
    started = time.time()
    for step in range(args.steps):
        starts = torch.randint(0, len(train) - CONTEXT - 1, (32,), generator=generator)
        batch = torch.stack([train[s:s + CONTEXT + 1] for s in starts.tolist()])
        logits = model(batch[:, :-1], *model.empty_cache(32))[0]
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB), batch[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step % 250 == 0 or step == args.steps - 1:
            print(f"step {step}: loss {loss.item():.3f} ({time.time() - started:.0f} s)", flush=True)
    heldout_perplexity = perplexity(model, heldout)
    print(f"held-out perplexity per byte: {heldout_perplexity:.4f}", flush=True)
    export(model, args.output)
    write_reference(model, args.reference, heldout_perplexity)
    print(f"wrote {args.output} and {args.reference}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
