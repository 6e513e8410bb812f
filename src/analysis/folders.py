"""An output folder written all at once: checked before any input is read, staged, swapped in.

A command that writes a folder (``ppr``, ``records-report``) checks ``--out`` first, so a large
input is not read for nothing; writes everything into a staging directory beside it; and only
then moves the staging directory into place, replacing an empty directory or a previous output
of the same command. Bad input or a failure leaves no output and no staging directory behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from analysis.errors import InputError, os_problem

STAGING_PREFIX = ".ppr-"


def check_out(
    out: Path,
    inputs: list[Path],
    previous: Callable[[Path], bool],
    command: str,
) -> None:
    """Refuse an ``--out`` that cannot be written, holds an input, or holds other files.

    Called before any input is read: a directory is created (and removed) where ``--out``
    would be made, so a large input is not read and counted for nothing. A non-empty ``--out``
    is accepted only when ``previous`` (default: a previous ppr output) recognizes it as an
    earlier output of ``command``.
    """
    try:
        _check_out(out, inputs, previous, command)
    except OSError as error:
        raise InputError(f"--out {out}: cannot be written ({os_problem(error)})") from None
    except RuntimeError:  # Path.resolve on a symbolic link loop
        raise InputError(f"--out {out}: is a loop of symbolic links") from None


def _check_out(
    out: Path, inputs: list[Path], previous: Callable[[Path], bool], command: str
) -> None:
    """Do the checks of ``check_out``; an ``OSError`` means ``--out`` cannot be made."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    resolved = out.resolve()
    for path in inputs:
        try:
            parents = path.resolve().parents
        except RuntimeError:  # a symbolic link loop: the reader says so
            continue
        if resolved in parents:
            raise InputError(f"--out {out}: holds the input file {path}; choose another directory")
    if out.is_dir() and any(out.iterdir()) and not previous(out):
        raise InputError(
            f"--out {out}: directory is not empty and is not a previous {command} output; "
            "choose a new or empty directory"
        )
    parent = out.absolute().parent
    existing = next((p for p in (parent, *parent.parents) if p.exists()), Path("/"))
    if not existing.is_dir():
        raise InputError(f"--out {out}: {existing} is a file, not a directory")
    longest = os.pathconf(existing, "PC_NAME_MAX")
    names = [out.name, *(p.name for p in out.absolute().parents if not p.exists())]
    for name in names:
        if len(os.fsencode(name)) > longest:
            raise InputError(
                f"--out {out}: the name {name[:40]!r}... is too long (at most {longest} bytes)"
            )
    try:
        probe = tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".probe", dir=existing)
    except OSError as error:
        raise InputError(
            f"--out {out}: no directory can be created in {existing} ({error.strerror}; "
            "expected a writable directory on a real file system, not e.g. /proc or /sys)"
        ) from None
    os.rmdir(probe)


def umask() -> int:
    """Return the process's file-creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_folder(staging: Path, out: Path) -> None:
    """Move ``staging`` to ``out``, replacing an empty dir or a previous ppr output."""
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".old", dir=staging.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def staging(out: Path) -> Path:
    """Return a new, empty staging directory beside ``out`` (its parents made if missing)."""
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".tmp", dir=parent))


def publish(staged: Path, out: Path) -> None:
    """Give ``staged`` the usual permissions and move it to ``out``, replacing what was there."""
    os.chmod(staged, 0o777 & ~umask())
    replace_folder(staged, out)
