"""Bounded reads of regular files: what every input file (act, checklist, header map,
pack file, new-pack text) is read through.

A FIFO, a device (/dev/zero, a tty), a socket or a folder is refused before any byte is
read: the file is opened with O_NONBLOCK (so opening a FIFO cannot block) and checked
with fstat on the opened descriptor (so a symlink swapped after a stat check changes
nothing). At most ``limit`` bytes are read; a longer file is refused by size.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError, Problem

_KIND = {stat.S_IFIFO: ("命名管道（FIFO）", "a FIFO (named pipe)"), stat.S_IFCHR: ("字符设备", "a character device"),
         stat.S_IFBLK: ("块设备", "a block device"), stat.S_IFSOCK: ("套接字", "a socket"),
         stat.S_IFDIR: ("文件夹", "a folder")}


def not_regular(name: str, mode: int) -> Problem:
    zh, en = _KIND.get(stat.S_IFMT(mode), ("特殊文件", "a special file"))
    return Problem(name, f"这是{zh}，不是普通文件；只读取普通文件", code="not_a_file",
                   en=f"this is {en}, not a regular file; only regular files are read")


def too_large(name: str, limit: int, what_zh: str = "输入文件", what_en: str = "an input file") -> Problem:
    return Problem(name, f"文件超过 {_mb(limit)} MB 的上限，不是{what_zh}，未读取", code="too_large",
                   en=f"larger than the {_mb(limit)} MB limit; not {what_en}; not read")


def _mb(n: int) -> str:
    return f"{n / (1 << 20):g}"


def read_bounded(path: str | os.PathLike, limit: int, name: str | None = None,
                 what_zh: str = "输入文件", what_en: str = "an input file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; InputError otherwise (located, Chinese)."""
    name = str(path) if name is None else name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError([unreadable(name, exc)]) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError([not_regular(name, st.st_mode)])
        if st.st_size > limit:
            raise InputError([too_large(name, limit, what_zh, what_en)])
        chunks, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise InputError([unreadable(name, exc)]) from None
    finally:
        os.close(fd)
    if got > limit:          # grew while being read
        raise InputError([too_large(name, limit, what_zh, what_en)])
    return b"".join(chunks)


_ERRNO_ZH = {"ENOENT": "文件不存在", "EACCES": "没有读取权限", "EISDIR": "这是文件夹，不是文件", "ENOSPC": "磁盘空间不足",
             "ELOOP": "符号链接循环", "ENAMETOOLONG": "文件名过长", "ENOTDIR": "路径中有一段不是文件夹",
             "EROFS": "文件系统只读", "EPERM": "操作不被允许", "EEXIST": "文件已存在"}


def os_reason_zh(exc: OSError) -> str:
    """The reason of an OS error in Chinese (the English strerror stays in ``en``)."""
    import errno

    return _ERRNO_ZH.get(errno.errorcode.get(exc.errno or 0, ""), f"系统错误 {exc.errno}")


def unreadable(name: str, exc: OSError) -> Problem:
    return Problem(name, f"无法读取：{os_reason_zh(exc)}", code="unreadable_file", en=f"cannot read: {exc.strerror}")


def is_regular(path: Path) -> bool:
    """True for a regular file (after symlinks); a FIFO or a device is not one."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
