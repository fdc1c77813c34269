"""The files that make a pack, read once: what the loader compiles and hashes, and what
packreview compares with policies/reviewed.json (one reader for both, below each)."""
from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import PackError


def pack_files(root: Traversable) -> dict[str, bytes]:
    """The files that make a pack, by relative path (tests excluded: they do not change decisions).
    A pack on disk is read through safefile: regular files only, each at most MAX_BYTES, so a rules
    file that is a FIFO or a symlink to /dev/zero is refused instead of read forever."""
    entries = [rel for rel in ("pack.yaml", "source.md") if (root / rel).is_file()]
    rule_dir = root / "rules"
    entries += [f"rules/{e.name}" for e in sorted(rule_dir.iterdir(), key=lambda e: e.name)
                if e.name.endswith(".yaml")] if rule_dir.is_dir() else []
    if not isinstance(root, Path):        # inside a wheel or zip: the packaging tool wrote these files
        return {rel: (root / rel).read_bytes() for rel in entries}
    from .errors import InputError
    from .safefile import read_bounded
    from .yamlsrc import MAX_BYTES

    files, problems = {}, []
    for rel in entries:
        try:
            files[rel] = read_bounded(root / rel, MAX_BYTES, str(root / rel), "规定包文件", "a pack file")
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise PackError(problems)
    return files
