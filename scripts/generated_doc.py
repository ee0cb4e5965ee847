"""The part of a docs/ page that a script generates: everything after a
marker line is the script's, everything before it is written by hand.
pass_doc.py, dialect_doc.py and cli_doc.py keep their pages this way."""

import argparse
import sys


def update(path, marker, generate, write, command):
    """Regenerates the part of `path` after `marker` with `generate(intro)`,
    which returns the whole generated text. With `write`, rewrites the page
    if it changed; else reports a stale page. Returns the list of errors
    (empty when the page is current or was rewritten)."""
    with open(path) as f:
        current = f.read()
    if marker not in current:
        return [f"{path}: the marker line is missing"]
    intro = current[:current.index(marker)]
    wanted = intro.rstrip() + "\n\n" + marker + "\n\n" + generate(intro).rstrip() + "\n"
    if write:
        if wanted != current:
            with open(path, "w") as f:
                f.write(wanted)
        return []
    if wanted != current:
        return [f"{path} is stale: run {command}"]
    return []


def report(errors):
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


def parse_mode(*positionals):
    """The command line of a script that checks (--check) or rewrites
    (--write) a generated page, with its positional arguments."""
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    for name in positionals:
        parser.add_argument(name)
    return parser.parse_args()
