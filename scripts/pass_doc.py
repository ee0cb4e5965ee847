#!/usr/bin/env python3
"""Keeps docs/passes.md, the pass reference, in step with the Passes.td
files, and checks that every pass has its lit test.

docs/passes.md is a short introduction followed by the reference that
mlir-tblgen -gen-pass-doc generates from the three Passes.td files (the
qnn passes, the conversion to linalg, the lowering transforms). `--write`
replaces the generated part; `--check` fails if it is stale, and if a pass
`-NAME` has no test file named after its flag (NAME.mlir or NAME.test
under test/).

Usage: pass_doc.py (--check | --write) BUILD_INCLUDE_DIR SOURCE_ROOT
"""

import argparse
import os
import re
import sys

MARKER = ("<!-- The reference below is generated from the Passes.td files by "
          "scripts/pass_doc.py --write; do not edit it by hand. -->")

SECTIONS = [
    ("Passes on qnn", "quantc/Dialect/QNN/Transforms/Passes.md"),
    ("Conversion to linalg", "quantc/Conversion/Passes.md"),
    ("Lowering transforms", "quantc/Transforms/Passes.md"),
]


def generated_reference(include_dir):
    parts = []
    for title, path in SECTIONS:
        with open(os.path.join(include_dir, path)) as f:
            text = f.read()
        # Drop mlir-tblgen's banner; the passes are ### headings under ours.
        text = re.sub(r"^<!--.*?-->\n", "", text, flags=re.S).strip()
        parts.append(f"## {title}\n\n{text}\n")
    return "\n".join(parts)


def compose(intro, reference):
    return intro.rstrip() + "\n\n" + MARKER + "\n\n" + reference.rstrip() + "\n"


def missing_tests(reference, root):
    flags = re.findall(r"^### `-([a-z0-9-]+)`", reference, re.M)
    names = set()
    for folder, _, files in os.walk(os.path.join(root, "test")):
        names.update(os.path.splitext(f)[0] for f in files)
    return flags, [f for f in flags if f not in names]


def main():
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    parser.add_argument("include_dir")
    parser.add_argument("root")
    args = parser.parse_args()
    path = os.path.join(args.root, "docs", "passes.md")
    with open(path) as f:
        current = f.read()
    if MARKER not in current:
        print(f"{path}: the marker line is missing", file=sys.stderr)
        return 1
    intro = current[:current.index(MARKER)]
    reference = generated_reference(args.include_dir)
    wanted = compose(intro, reference)
    if args.write:
        if wanted != current:
            with open(path, "w") as f:
                f.write(wanted)
        return 0
    errors = []
    if wanted != current:
        errors.append(f"{path} is stale: run scripts/pass_doc.py --write (or cmake --build "
                      f"build --target quantc-pass-doc)")
    flags, missing = missing_tests(reference, args.root)
    for flag in missing:
        errors.append(f"pass -{flag} has no lit test named {flag}.mlir or {flag}.test")
    for error in errors:
        print(error, file=sys.stderr)
    if not errors:
        print(f"docs/passes.md is current; {len(flags)} passes, each with its lit test")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
