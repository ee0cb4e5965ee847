#!/usr/bin/env python3
"""Keeps docs/dialect.md in step with the qnn ODS, and checks test coverage.

docs/dialect.md is a hand-written introduction followed by the op reference
that mlir-tblgen generates from QNNOps.td. `--write` replaces the reference
part with the freshly generated one; `--check` fails if it is stale, and also
checks that
  - every op has a round-trip line in test/Dialect/QNN/ops.mlir;
  - every constraint an op description names, such as (conv-C4), is cited in
    the verifier sources and has a failing case in invalid.mlir;
  - every shared rule T1 to T3 has a failing case in invalid.mlir.

Usage: dialect_doc.py (--check | --write) GENERATED_MD SOURCE_ROOT
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_doc  # noqa: E402

MARKER = ("<!-- The op reference below is generated from the ODS by "
          "scripts/dialect_doc.py --write; do not edit it by hand. -->")


def operations(generated):
    # Drop mlir-tblgen's banner and its copy of the dialect description,
    # which the introduction already gives; keep the operations.
    return generated[generated.index("## Operations"):]


def code_lines(path):
    with open(path) as f:
        return [l for l in f if not l.lstrip().startswith("//")]


def check_coverage(generated, root):
    errors = []
    ops = re.findall(r"^### `(qnn\.[a-z_]+)`", generated, re.M)
    if not ops:
        errors.append("no ops found in the generated reference")
    test_dir = os.path.join(root, "test", "Dialect", "QNN")
    round_trip = "".join(code_lines(os.path.join(test_dir, "ops.mlir")))
    for op in ops:
        if not re.search(re.escape(op) + r"\b", round_trip):
            errors.append(f"{op} has no round-trip case in ops.mlir")

    with open(os.path.join(test_dir, "invalid.mlir")) as f:
        invalid = f.read()
    lib_dir = os.path.join(root, "lib", "Dialect", "QNN", "IR")
    sources = ""
    for name in sorted(os.listdir(lib_dir)):
        if name.endswith(".cpp"):
            with open(os.path.join(lib_dir, name)) as f:
                sources += f.read()

    tags = sorted(set(re.findall(r"\(([a-z_]+-C\d+)\)", generated)))
    for tag in tags:
        if not re.search(r"//.*\b" + re.escape(tag) + r"\b", sources):
            errors.append(f"{tag} is not cited in lib/Dialect/QNN/IR")
        if not re.search(r"^// " + re.escape(tag) + r"\b", invalid, re.M):
            errors.append(f"{tag} has no failing case in invalid.mlir")
    for rule in ("T1", "T2", "T3"):
        if not re.search(r"^// " + rule + r"\b", invalid, re.M):
            errors.append(f"rule {rule} has no failing case in invalid.mlir")
    return ops, tags, errors


def main():
    args = generated_doc.parse_mode("generated", "source_root")

    with open(args.generated) as f:
        generated = f.read()
    doc_path = os.path.join(args.source_root, "docs", "dialect.md")
    errors = generated_doc.update(
        doc_path, MARKER, lambda intro: operations(generated), args.write,
        "cmake --build build --target quantc-dialect-doc")
    if args.write:
        return generated_doc.report(errors)

    ops, tags, coverage = check_coverage(generated, args.source_root)
    errors += coverage
    for error in errors:
        print("error: " + error)
    print(f"{len(ops)} ops, {len(tags)} constraints, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
