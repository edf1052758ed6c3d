"""Files the commands write (report, export): whole or not at all, and never through a symbolic link."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb


class OutputError(ValueError):
    """A file that cannot be written (a link or a folder in the way, no space, no permission); says which."""


def output_folder(folder: Path) -> Path:
    """``folder``, created if missing; an error if a file (or anything but a folder) is in the way."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder (-o takes a folder)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder: {exc.strerror}") from None
    return folder


def replace_file(path: Path, write: Callable[[Path], None]) -> bool:
    """Have ``write`` fill a new temporary file in ``path``'s folder, then rename it over ``path``: a reader
    never sees half a file, a failure leaves the old one, and a symlink at ``path`` is refused, not followed
    (renaming over it would drop the link; writing through it would change its target). Returns whether an
    existing file was replaced."""
    if path.is_symlink():
        raise OutputError(f"{path}: is a symbolic link; refusing to write through it (remove it or choose "
                          "another folder)")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: is not a regular file; refusing to replace it")
    replaced = path.exists()
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except (OSError, duckdb.Error) as exc:
        Path(temporary).unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        raise OutputError(f"{path}: cannot write: {reason}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return replaced
