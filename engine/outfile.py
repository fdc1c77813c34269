"""Writing an output file whole or not at all, with the reason in Chinese when it cannot be.

A report is written to a unique temporary file beside the target and renamed over it, so a
reader (or a second run writing the same path) sees the old file or the new one, never half
of each; a failed write leaves no temporary file behind. A target that is not a regular file
(/dev/null, /dev/stdout) is written directly; a FIFO nobody reads is refused, not waited on.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError, Problem


def cannot_write(path: str | Path, exc: OSError) -> Problem:
    from .safefile import os_reason_zh

    import errno

    reason = "所在文件夹不存在" if exc.errno == errno.ENOENT else (
        "没有读者的命名管道" if exc.errno == errno.ENXIO else os_reason_zh(exc))
    return Problem(str(path), f"无法写入：{reason}", code="cannot_write", en=f"cannot write: {exc.strerror}")


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """``data`` at ``path``, all of it or (on error, InputError) nothing new."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(path, data)
        return
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{os.getpid()}.part", dir=path.parent or ".")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise InputError([cannot_write(path, exc)]) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def write_text_atomic(path: str | Path, text: str, lang: str = "zh") -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def _write_special(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError([cannot_write(path, exc)]) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise InputError([cannot_write(path, exc)]) from None
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
