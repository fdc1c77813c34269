"""The reviewed state of each pack: SHA-256 of every source file, committed in
``policies/reviewed.json``. ``gridlaw validate`` compares the pack on disk with
it, so a rule deleted or a condition flipped after review is reported even when
the tampered pack is itself valid. After a reviewed change, regenerate with
``python scripts/pack_manifest.py``.
"""
from __future__ import annotations

import hashlib
import json
from importlib import resources
from importlib.resources.abc import Traversable


def manifest_file() -> Traversable:
    return resources.files("gridlaw.policies") / "reviewed.json"


def file_hashes(root: Traversable) -> dict[str, str]:
    from .loader import _pack_files

    return {rel: hashlib.sha256(data).hexdigest() for rel, data in _pack_files(root).items()}


def load_manifest(source: Traversable | None = None) -> dict[str, dict[str, str]]:
    f = source or manifest_file()
    try:
        data = json.loads(f.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("packs", {}) if isinstance(data, dict) else {}


def differences(city: str, root: Traversable, manifest: dict[str, dict[str, str]] | None = None) -> list[str] | None:
    """Files changed, added or removed since review; None when the manifest has no entry for the city."""
    manifest = load_manifest() if manifest is None else manifest
    want = manifest.get(city)
    if want is None:
        return None
    have = file_hashes(root)
    out = [f"{rel}: changed since review" for rel in sorted(set(want) & set(have)) if want[rel] != have[rel]]
    out += [f"{rel}: removed since review" for rel in sorted(set(want) - set(have))]
    out += [f"{rel}: added since review" for rel in sorted(set(have) - set(want))]
    return out
