"""Command line: ``python -m analysis COMMAND``; bad input exits 2 with a message, no traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analysis.commands import (
    audit,
    package,
    ppr,
    records_mapping,
    records_report,
    report,
    synthesize,
    validate,
)
from analysis.errors import InputError, os_problem

# Each module defines ``register(subparsers)``, which adds its command and sets ``func``.
COMMAND_MODULES = (
    validate,
    package,
    report,
    ppr,
    audit,
    synthesize,
    records_report,
    records_mapping,
)

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every command's sub-parser."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=(
            "Sourced figures, checks, charts and client-record tables for HHS OTIP's "
            "Trafficking Victim Assistance Program (TVAP)."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def use_process_settings() -> None:
    """Set what holds for the whole process, once, before any command runs.

    Arrow's system-allocator pool reuses freed memory; with its default pool each column read
    or computed pays again for fresh pages, which is slow on large files.
    """
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status."""
    args = build_parser().parse_args(argv)
    use_process_settings()
    try:
        return int(args.func(args) or EXIT_OK)
    except InputError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a path that cannot be read or written, found late
        print(f"error: {os_problem(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
