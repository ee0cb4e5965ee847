"""Builds an ONNX model file from ONNX's textual syntax.

    python3 -m quantc.onnx_text MODEL.txt -o MODEL.onnx [--no-check]

Lines starting with `#` are dropped first, so a lit test can hold its RUN and
CHECK lines beside the model. The model is checked with onnx.checker unless
--no-check is given (for tests of malformed models). Initializers may be
written in the graph's initializer list with inline values.
"""

import argparse
import sys

import onnx
from onnx import parser


def parse_model_text(text):
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return parser.parse_model("\n".join(lines))


def main(argv=None):
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("input")
    args.add_argument("-o", "--output", required=True)
    args.add_argument("--no-check", action="store_true")
    opts = args.parse_args(argv)
    with open(opts.input) as f:
        try:
            model = parse_model_text(f.read())
        except Exception as e:  # the parser raises its own ParseError
            print(f"{opts.input}: error: {e}", file=sys.stderr)
            return 1
    if not opts.no_check:
        try:
            onnx.checker.check_model(model)
        except onnx.checker.ValidationError as e:
            print(f"{opts.input}: error: the model does not pass onnx.checker "
                  f"(use --no-check for a deliberately bad model): {e}",
                  file=sys.stderr)
            return 1
    onnx.save(model, opts.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
