"""Which pack bytes this engine has fully validated: the cache that lets ``gridlaw check``
skip re-validating (quote matching, coverage, vocabulary) a pack it has seen before.

The cache can speed an answer up, never change it. It holds no rules: on a hit the pack
is still parsed from the very bytes whose SHA-256 is the pack hash in the stamp (see
loader.compile_pack), so the stamp attests to what was evaluated whatever the cache
holds. An entry only says "these bytes, under this engine code and these libraries,
passed full validation" (the engine code known by each file's path, size and modification time,
``stamp.engine_files_key``: hashing its bytes on every start would cost more than the cache saves); it is sealed with an HMAC under a per-install secret kept
outside the cache folder (``$GRIDLAW_CONFIG_DIR`` or ``$XDG_CONFIG_HOME/gridlaw``,
mode 0600), so an entry copied from elsewhere or written by hand is not trusted and the
pack is validated again. Entries live under ``$GRIDLAW_CACHE_DIR`` or
``$XDG_CACHE_HOME/gridlaw`` (default ``~/.cache/gridlaw``); any failure to read or write
them just means validating again.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
from pathlib import Path


def _dir() -> Path:
    base = os.environ.get("GRIDLAW_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gridlaw")
    return Path(base) / "packs"


def _key_file() -> Path:
    base = os.environ.get("GRIDLAW_CONFIG_DIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config"), "gridlaw")
    return Path(base) / "cache.key"


def _secret() -> bytes | None:
    """The per-install secret, made on first use (0600, never overwritten); None if it cannot be had."""
    path = _key_file()
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32).hex().encode())
        return path.read_bytes()
    except OSError:
        try:                      # another process made it first
            data = path.read_bytes()
            return data if len(data) >= 32 else None
        except OSError:
            return None


@functools.lru_cache(maxsize=1)
def _engine_key() -> str:
    """Changes whenever the engine's files (path, size, modification time) or the libraries it runs on change."""
    from .stamp import engine_files_key, library_versions

    return hashlib.sha256((engine_files_key() + json.dumps(library_versions(), sort_keys=True)).encode()).hexdigest()[:16]


def _seal(body: dict, secret: bytes) -> str:
    return hmac.new(secret, json.dumps(body, sort_keys=True).encode(), hashlib.sha256).hexdigest()


def _path(city: str, pack_hash: str) -> Path:
    return _dir() / f"{city}-{pack_hash[:24]}-{_engine_key()}.json"


def validated(city: str, pack_hash: str) -> bool:
    """True when a sealed entry says these exact pack bytes passed full validation under this engine."""
    secret = _secret()
    if secret is None:
        return False
    try:
        entry = json.loads(_path(city, pack_hash).read_text("utf-8"))
        body = entry["body"]
        return (hmac.compare_digest(str(entry.get("seal")), _seal(body, secret))
                and body == {"pack": city, "hash": pack_hash, "engine": _engine_key(), "validated": True})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def store(pack_id: str, pack_hash: str) -> None:
    """Record that the pack bytes hashing to ``pack_hash`` passed full validation."""
    secret = _secret()
    if secret is None:
        return
    body = {"pack": pack_id, "hash": pack_hash, "engine": _engine_key(), "validated": True}
    path = _path(pack_id, pack_hash)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"seal": _seal(body, secret), "body": body}), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
