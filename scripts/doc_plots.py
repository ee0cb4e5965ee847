#!/usr/bin/env python3
"""The plots of docs/accuracy.md and docs/performance.md, drawn as SVG from
the tables between the pages' "<!-- NAME table: begin/end -->" markers, so
that a plot always shows the numbers of the table beside it (which the
bench scripts regenerate; each table's section gives its command).

Usage: doc_plots.py --check|--write SOURCE_ROOT

--write (make plots) rewrites docs/plots/*.svg; --check (test/doc-plots.test)
fails when a plot does not match its table. The SVG is written by hand here,
byte for byte the same from the same table; no plotting library is needed.
"""

import os
import re
import sys
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_doc  # noqa: E402

COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
WIDTH = 760
LABEL_WIDTH = 250
RIGHT_MARGIN = 70
BAR = 14
GAP = 6


def read_table(path, name):
    """The rows of table NAME in PATH as dicts by header, in order."""
    text = open(path).read()
    begin, end = f"<!-- {name} table: begin -->\n", f"<!-- {name} table: end -->"
    if begin not in text or end not in text:
        sys.exit(f"{path} has no table '{name}' between markers")
    body = text.split(begin, 1)[1].split(end, 1)[0]
    lines = [line for line in body.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    header, rows = cells[0], cells[2:]
    return [dict(zip(header, row)) for row in rows]


def number(cell):
    """The first number in a table cell ("90.86%", "+0.02%", "13.31 ms")."""
    match = re.search(r"[-+]?\d+(\.\d+)?", cell)
    if not match:
        sys.exit(f"no number in the table cell '{cell}'")
    return float(match.group(0))


def fmt(value, digits):
    return f"{value:.{digits}f}"


def nice_step(span):
    """A round tick step giving about five ticks over SPAN."""
    raw = span / 5 if span > 0 else 1
    power = 10 ** int(f"{raw:e}".split("e")[1])
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def axis_range(values, zero=True):
    low = min(values + [0] if zero else values)
    high = max(values + [0] if zero else values)
    step = nice_step(high - low)
    low = step * int(low / step - (1 if low < 0 and low % step else 0))
    high = step * (int(high / step) + (1 if high % step else 0))
    if high == low:
        high = low + step
    return low, high, step


def legend_layout(series):
    """(x, row) of each legend entry, wrapped to the plot's width (about
    6.5 pixels per character at 11 px)."""
    places, cursor, row = [], 40, 0
    for name in series:
        width = 28 + 6.5 * len(name)
        if cursor + width > WIDTH - 20 and cursor > 40:
            cursor, row = 40, row + 1
        places.append((cursor, row))
        cursor += width
    return places


def svg_bars(title, unit, groups, series, digits, note=None):
    """Horizontal bars: GROUPS is a list of (label, [value or None per
    series]); SERIES names the bars of a group (one series: no legend)."""
    values = [v for _, vs in groups for v in vs if v is not None]
    low, high, step = axis_range(values)
    plot_width = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    group_height = len(series) * BAR + GAP * 2
    legend_rows = legend_layout(series)
    legend = 20 * (legend_rows[-1][1] + 1) + 2 if len(series) > 1 else 0
    top = 40 + legend
    height = top + len(groups) * group_height + 44 + (16 if note else 0)

    def x(value):
        return LABEL_WIDTH + (value - low) / (high - low) * plot_width

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="{WIDTH // 2}" y="22" text-anchor="middle" font-size="15" '
           f'font-weight="bold" {FONT}>{escape(title)}</text>']
    if len(series) > 1:
        for i, (name, (cursor, row)) in enumerate(zip(series, legend_rows)):
            y = 34 + 20 * row
            out.append(f'<rect x="{fmt(cursor, 1)}" y="{y}" width="12" height="12" '
                       f'fill="{COLORS[i % len(COLORS)]}"/>')
            out.append(f'<text x="{fmt(cursor + 16, 1)}" y="{y + 10}" font-size="11" {FONT}>'
                       f'{escape(name)}</text>')
    bottom = top + len(groups) * group_height
    tick = low
    while tick <= high + step / 1000:
        tx = fmt(x(tick), 1)
        out.append(f'<line x1="{tx}" y1="{top}" x2="{tx}" y2="{bottom}" stroke="#dddddd"/>')
        label = fmt(tick, max(0, -int(f"{step:e}".split("e")[1]))) if step < 1 else fmt(tick, 0)
        out.append(f'<text x="{tx}" y="{bottom + 16}" text-anchor="middle" font-size="11" '
                   f'{FONT}>{label}</text>')
        tick += step
    out.append(f'<text x="{LABEL_WIDTH + plot_width // 2}" y="{bottom + 34}" '
               f'text-anchor="middle" font-size="12" {FONT}>{escape(unit)}</text>')
    if note:
        out.append(f'<text x="{WIDTH // 2}" y="{bottom + 52}" text-anchor="middle" '
                   f'font-size="11" fill="#555555" {FONT}>{escape(note)}</text>')
    zero = fmt(x(0), 1)
    for g, (label, vals) in enumerate(groups):
        y0 = top + g * group_height + GAP
        middle = y0 + len(series) * BAR / 2 + 4
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{fmt(middle, 1)}" text-anchor="end" '
                   f'font-size="12" {FONT}>{escape(label)}</text>')
        for i, value in enumerate(vals):
            y = y0 + i * BAR
            if value is None:
                continue
            left, right = sorted((x(0), x(value)))
            out.append(f'<rect x="{fmt(left, 1)}" y="{y + 1}" width="{fmt(right - left, 1)}" '
                       f'height="{BAR - 2}" fill="{COLORS[i % len(COLORS)]}"/>')
            anchor, tx = ("start", right + 4) if value >= 0 else ("end", left - 4)
            out.append(f'<text x="{fmt(tx, 1)}" y="{y + BAR - 3}" text-anchor="{anchor}" '
                       f'font-size="10" {FONT}>{fmt(value, digits)}</text>')
    out.append(f'<line x1="{zero}" y1="{top}" x2="{zero}" y2="{bottom}" stroke="#333333"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def configuration_bars(title, unit, rows, column, note=None):
    """One bar per row of a table with a "configuration" column: the number
    in its COLUMN."""
    return svg_bars(title, unit, [(r["configuration"], [number(r[column])]) for r in rows],
                    [column], 2, note)


def thread_bars(title, rows, columns, digits, note):
    """A group of bars per row of a table with a "threads" column: the
    milliseconds in COLUMNS, one series each."""
    groups = [(f"{r['threads']} thread" + ("s" if r["threads"] != "1" else ""),
               [number(r[c]) for c in columns]) for r in rows]
    return svg_bars(title, "milliseconds (shorter is faster)", groups,
                    [c.replace(" (ms)", "") for c in columns], digits, note)


def plots(root):
    """(file name, SVG text) of every plot."""
    accuracy = os.path.join(root, "docs", "accuracy.md")
    performance = os.path.join(root, "docs", "performance.md")
    accuracy_note = "make accuracy regenerates the table (docs/accuracy.md)"
    llm_note = "make llm-accuracy regenerates the table (docs/accuracy.md)"

    fashion = read_table(accuracy, "fashion-mnist")
    rec = [r for r in read_table(accuracy, "accuracy") if r["model"] == "rec"]
    gpt = read_table(accuracy, "llm accuracy")
    result = [
        ("fashion-mnist-top1.svg", configuration_bars(
            "Fashion-MNIST CNN: top-1 drop from float, 10,000 test images",
            "points of top-1 lost against float (below 0: better than float)",
            fashion, "drop from float", accuracy_note)),
        ("fashion-mnist-size.svg", configuration_bars(
            "Fashion-MNIST CNN: library size against float",
            "library bytes / float library bytes", fashion, "size vs float")),
        ("rec-frames.svg", configuration_bars(
            "PP-OCR rec: frames whose best character is float's (13 lines of imageTextN.png)",
            "% of frames", rec, "agreement with float", accuracy_note)),
        ("tiny-gpt-perplexity.svg", configuration_bars(
            "Tiny GPT: held-out perplexity per byte, change against fp32",
            "% of fp32's perplexity", gpt, "vs fp32", llm_note)),
        ("tiny-gpt-size.svg", configuration_bars(
            "Tiny GPT: library size against fp32",
            "library bytes / fp32 library bytes", gpt, "size vs fp32")),
    ]

    int8 = read_table(performance, "paddleocr int8")
    columns = ["quantc int8 (ms)", "quantc integer-only (ms)", "quantc fp32 (ms)",
               "onnxruntime fp32 (ms)", "onnxruntime int8, our QDQ (ms)"]
    for model in ("rec", "cls"):
        rows = [r for r in int8 if r["model"] == model]
        result.append((f"{model}-int8-speed.svg", thread_bars(
            f"PP-OCR {model} ({rows[0]['input']}): run time, median", rows, columns, 2,
            "make bench prints the table (docs/performance.md)")))

    speed = read_table(performance, "llm speed")
    columns = [c for c in ["quantc fp32", "quantc int8", "quantc int4", "PyTorch fp32",
                           "PyTorch quantize_dynamic", "onnxruntime fp32"] if c in speed[0]]
    for phase in ("decode", "prefill"):
        rows = [r for r in speed if r["phase"].startswith(phase)]
        result.append((f"gpt2-{phase}.svg", thread_bars(
            f"GPT-2-small shape: {rows[0]['phase']}, median", rows, columns, 1,
            "make llm-bench regenerates the table (docs/performance.md)")))
    return result


def main():
    args = generated_doc.parse_mode("root")
    folder = os.path.join(args.root, "docs", "plots")
    stale = []
    made = plots(args.root)
    for name, svg in made:
        path = os.path.join(folder, name)
        current = open(path).read() if os.path.exists(path) else None
        if current == svg:
            continue
        if args.write:
            os.makedirs(folder, exist_ok=True)
            with open(path, "w") as f:
                f.write(svg)
        else:
            stale.append(name)
    known = {name for name, _ in made}
    extra = sorted(n for n in os.listdir(folder) if n.endswith(".svg") and n not in known) \
        if os.path.isdir(folder) else []
    for name in extra:
        if args.write:
            os.remove(os.path.join(folder, name))
        else:
            stale.append(name)
    if stale:
        print(f"docs/plots is stale ({', '.join(stale)}): run scripts/doc_plots.py --write "
              "or make plots", file=sys.stderr)
        return 1
    print(f"docs/plots {'written' if args.write else 'is current'}; {len(made)} plots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
