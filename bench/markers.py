"""Tables that bench scripts write into the docs, between the markers
"<!-- NAME table: begin -->" and "<!-- NAME table: end -->"."""

import os
import sys


def replace_table(path, name, text, create=False):
    """Replaces what lies between the markers of table `name` in `path` with
    `text`. Without the markers: with `create`, writes `text` alone to
    `path`; otherwise stops with a message."""
    begin, end = f"<!-- {name} table: begin -->\n", f"<!-- {name} table: end -->\n"
    old = open(path).read() if os.path.exists(path) else ""
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        text = head + begin + text + end + rest.split(end, 1)[1]
    elif not create:
        sys.exit(f"{path} has no markers {begin.strip()} and {end.strip()}")
    with open(path, "w") as f:
        f.write(text)


def emit_table(output, name, text, create=False):
    """Writes table `name` into the file `output` (replace_table), or to
    standard output without one."""
    if output:
        replace_table(output, name, text, create)
    else:
        sys.stdout.write(text)
