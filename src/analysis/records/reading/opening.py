"""Opening a records file as a path, or as bytes when its name is not UTF-8."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO


def _source(path: Path) -> str | BinaryIO:
    """Return the path for a reader that takes one, or an open file when the name is not UTF-8."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # a file name of bytes that are not UTF-8 (kept as escapes)
        return open(path, "rb")  # noqa: SIM115 - the readers close it
    return str(path)
