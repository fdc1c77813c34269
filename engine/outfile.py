"""Writing an output file whole or not at all, with the reason in Chinese when it cannot be.

A report is written to a unique temporary file beside the target and renamed over it, so a
reader (or a second run writing the same path) sees the old file or the new one, never half
of each; a failed write leaves no temporary file behind. A target that is not a regular file
(/dev/null, /dev/stdout) is written directly; a FIFO nobody reads is refused, not waited on.
"""
from __future__ import annotations

import contextlib
import glob
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Iterator

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


# ---------------------------------------------------------------- runs writing the same outputs

@contextlib.contextmanager
def exclusive(paths: list[Path | None], lang: str = "zh") -> Iterator[None]:
    """Hold an exclusive lock on each output for the whole run, so two runs naming the same --out or
    --report cannot leave the results of one beside the report of the other: the second is refused
    at once, naming the file. The lock is flock on a hidden ``.<name>.lock`` beside the output, so it
    dies with its process (a killed run never blocks the next one); the empty lock file stays.
    Under the lock, temporary files of runs that died (``.<name>.*.<pid>.part``) are removed."""
    import fcntl

    held: list[int] = []
    try:
        for p in sorted({Path(p).resolve() for p in paths if p is not None}):
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(p.with_name(f".{p.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise InputError([cannot_write(p, exc)]) from None
            held.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError([Problem(str(p), "另一个审计正在写入这个文件；请等它结束，或另选输出文件名" if lang != "en"
                                          else "another audit is writing this file; wait for it or choose another name",
                                          code="output_busy",
                                          en="another audit is writing this file; wait for it or choose another name")
                                  ]) from None
            remove_stale_parts(p)
        yield
    finally:
        for fd in held:
            os.close(fd)


_PART = re.compile(r"\.(\d+)\.part$")


def remove_stale_parts(path: Path) -> list[Path]:
    """Temporary files beside ``path`` left by runs whose process is gone (killed, crashed)."""
    gone = []
    try:
        entries = list(path.parent.glob(f".{glob.escape(path.name)}.*part"))
    except OSError:
        return gone
    for part in entries:
        m = _PART.search(part.name)
        if m is None or _alive(int(m.group(1))):
            continue
        try:
            part.unlink()
            gone.append(part)
        except OSError:
            pass
    return gone


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
