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

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_doc  # noqa: E402

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


def missing_tests(reference, root):
    flags = re.findall(r"^### `-([a-z0-9-]+)`", reference, re.M)
    names = set()
    for folder, _, files in os.walk(os.path.join(root, "test")):
        names.update(os.path.splitext(f)[0] for f in files)
    return flags, [f for f in flags if f not in names]


def main():
    args = generated_doc.parse_mode("include_dir", "root")
    path = os.path.join(args.root, "docs", "passes.md")
    reference = generated_reference(args.include_dir)
    errors = generated_doc.update(
        path, MARKER, lambda intro: reference, args.write,
        "scripts/pass_doc.py --write (or cmake --build build --target quantc-pass-doc)")
    if args.write:
        return generated_doc.report(errors)
    flags, missing = missing_tests(reference, args.root)
    for flag in missing:
        errors.append(f"pass -{flag} has no lit test named {flag}.mlir or {flag}.test")
    if not errors:
        print(f"docs/passes.md is current; {len(flags)} passes, each with its lit test")
    return generated_doc.report(errors)


if __name__ == "__main__":
    sys.exit(main())
