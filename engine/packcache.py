"""Cache of validated packs, keyed by the pack's content hash and the engine's own code.

Only a pack that passed full validation is stored, so a hit means these exact
bytes were validated by this exact engine. Stored as JSON (no pickle) under
``$GRIDLAW_CACHE_DIR`` or ``$XDG_CACHE_HOME/gridlaw`` (default ``~/.cache/gridlaw``);
any failure to read or write the cache just means validating again.

An entry cannot answer for something else: it records the pack source hash, the
engine code hash and the library versions it was built under, and a SHA-256 of
its own body. Every hit recomputes all four; an entry edited by hand (a rule's
condition or quote), built by other code or for other pack bytes is ignored and
the pack is validated again from source (and the entry rewritten).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable


def _dir() -> Path:
    base = os.environ.get("GRIDLAW_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gridlaw")
    return Path(base) / "packs"


@functools.lru_cache(maxsize=1)
def _engine_key() -> str:
    """Changes whenever the engine's code or the libraries it runs on change."""
    from .stamp import engine_code_hash, library_versions

    return hashlib.sha256((engine_code_hash() + json.dumps(library_versions(), sort_keys=True)).encode()).hexdigest()[:16]


def _seal(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _path(city: str, pack_hash: str) -> Path:
    return _dir() / f"{city}-{pack_hash[:24]}-{_engine_key()}.json"


def load(city: str, pack_hash: str, root: Traversable, rebuild: Callable[[dict, Traversable], Any]) -> Any:
    """The pack from its cache entry, or None. ``rebuild(body, root)`` is the loader's: it turns the
    validated body back into a compiled pack (the cache holds data, never the compiler)."""
    try:
        entry = json.loads(_path(city, pack_hash).read_text("utf-8"))
        data = entry["body"]
        if (entry.get("seal") != _seal(data) or data.get("hash") != pack_hash
                or data.get("engine") != _engine_key()):
            return None
        return rebuild(data, root)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(pack: Any) -> None:
    data = {
        "hash": pack.hash,
        "engine": _engine_key(),
        "meta": pack.meta.model_dump(mode="json", by_alias=True),
        "rules": [{"file": r.file, "line": r.line, "rule": r.spec.model_dump(mode="json", by_alias=True, exclude_none=True)}
                  for r in pack.rules],
    }
    path = _path(pack.id, pack.hash)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"seal": _seal(data), "body": data}, ensure_ascii=False), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
