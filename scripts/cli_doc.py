#!/usr/bin/env python3
"""Keeps docs/cli.md, the command-line reference, in step with the tools.

The reference after the marker line is generated from the tools' own help:
`quantc --help` for the list of commands, `quantc COMMAND --help` for each
command's usage and options, and `quantc-runner --help`. `--write`
replaces it; `--check` fails if it is stale. The part before the marker is
written by hand.

Usage: cli_doc.py (--check | --write) BUILD_BIN_DIR SOURCE_ROOT
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_doc  # noqa: E402

MARKER = ("<!-- The reference below is generated from the tools' --help by "
          "scripts/cli_doc.py --write; do not edit it by hand. -->")


def run_help(tool, *args):
    result = subprocess.run([tool, *args, "--help"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return result.stdout


def subcommands(help_text):
    """(name, description) of each command `quantc --help` lists."""
    block = help_text.split("SUBCOMMANDS:", 1)[1].split("Type ", 1)[0]
    return re.findall(r"^  (\S+)\s+- (.*)$", block, re.M)


def cell(text):
    return text.replace("|", "\\|")


def options(help_text):
    """The options of one command's help, without LLVM's generic ones, as
    (option, description, [(value, description)])."""
    body = help_text.split("OPTIONS:", 1)[1].split("Generic Options:", 1)[0]
    entries = []
    for line in body.splitlines():
        value = re.match(r"^    =(\S+)\s+-\s+(.*)$", line)
        option = re.match(r"^  (-\S+(?: <[^>]+>)?)\s+- (.*)$", line)
        if value and entries:
            entries[-1][2].append((value.group(1), value.group(2).strip()))
        elif option:
            entries.append((option.group(1), option.group(2).strip(), []))
    return entries


def command_section(quantc, name, description):
    text = run_help(quantc, name)
    usage = re.search(r"^USAGE: (.*)$", text, re.M).group(1).strip()
    lines = [f"### quantc {name}", "", description[0].upper() + description[1:] + ".", "",
             "```", usage, "```", ""]
    entries = options(text)
    if entries:
        lines += ["| option | meaning |", "| --- | --- |"]
        for option, meaning, values in entries:
            if values:
                meaning += ": " + "; ".join(f"`{v}`, {d}" for v, d in values)
            lines.append(f"| `{cell(option)}` | {cell(meaning)} |")
        lines.append("")
    return "\n".join(lines)


def reference(bin_dir):
    quantc = os.path.join(bin_dir, "quantc")
    parts = ["## quantc commands", ""]
    for name, description in subcommands(run_help(quantc)):
        parts.append(command_section(quantc, name, description))
    runner = run_help(os.path.join(bin_dir, "quantc-runner")).strip()
    parts += ["## quantc-runner", "", "```", runner, "```", ""]
    return "\n".join(parts)


def main():
    args = generated_doc.parse_mode("bin_dir", "root")
    path = os.path.join(args.root, "docs", "cli.md")
    generated = reference(args.bin_dir)
    errors = generated_doc.update(
        path, MARKER, lambda intro: generated, args.write,
        "scripts/cli_doc.py --write build/bin . (or cmake --build build --target quantc-cli-doc)")
    if not errors and args.check:
        count = generated.count("### quantc ")
        print(f"docs/cli.md is current; {count} quantc commands")
    return generated_doc.report(errors)


if __name__ == "__main__":
    sys.exit(main())
