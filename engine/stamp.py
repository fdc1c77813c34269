"""What answered: the stamp carried by every result, results file and cache entry.

The version string alone does not say which rules and which code decided: an
edited engine file or pack keeps the version. So the stamp holds hashes of the
engine's own code, of each pack's source files, of the checklist used, and the
versions of the libraries that parse and evaluate.
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any, Iterable

from .version import __version__

@functools.lru_cache(maxsize=1)
def engine_code_hash() -> str:
    """SHA-256 over every file of the engine package (code, templates, schemas, header map)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for p in sorted(here.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            digest.update(p.relative_to(here).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def engine_files_key() -> str:
    """A cheap fingerprint of the engine's files (as :func:`files_key`), for the pack cache's key
    (packcache.py), which start-up computes on every run: hashing the bytes costs ~50 M instructions
    there, this ~2 M."""
    return files_key(os.path.dirname(os.path.abspath(__file__)))


def files_key(folder: str) -> str:
    """Each file's path, size and modification time under ``folder`` (not its bytes), hashed. An edit
    changes a file's modification time, so a cache entry keyed on it no longer matches."""
    cut = len(folder)
    out: list[str] = []

    def walk(here: str) -> None:
        with os.scandir(here) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "__pycache__":
                        walk(e.path)
                elif not e.name.endswith((".pyc", ".pyo")):
                    st = e.stat()
                    out.append(f"{e.path[cut:]}\0{st.st_size}\0{st.st_mtime_ns}")
    walk(folder)
    return hashlib.sha256("\n".join(sorted(out)).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of the libraries that parse and build packs, read from the modules themselves
    (importlib.metadata scans every installed distribution: hundreds of ms at start-up)."""
    import pydantic
    import pydantic_core
    import yaml

    return {"pyyaml": yaml.__version__, "pydantic": pydantic.VERSION, "pydantic-core": pydantic_core.__version__}


def audit_library_versions() -> dict[str, str]:
    import numpy
    import pyarrow

    return {**library_versions(), "numpy": numpy.__version__, "pyarrow": pyarrow.__version__}


def file_hash(path: str | Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def stamp_of(packs: Iterable[Any], checklist: str | Path | None = None) -> dict:
    return {"engine": __version__, "engine_code": engine_code_hash()[:16], "libraries": audit_library_versions(),
            "packs": {p.id: p.hash for p in packs}, "checklist": file_hash(checklist)}
