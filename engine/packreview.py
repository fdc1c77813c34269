"""The reviewed state of each pack: SHA-256 of every source file, committed in
``policies/reviewed.json``. ``gridlaw validate`` compares the pack on disk with
it, so a rule deleted or a condition flipped after review is reported even when
the tampered pack is itself valid. After a reviewed change, regenerate with
``python scripts/pack_manifest.py``.
"""
from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from importlib.resources.abc import Traversable


def manifest_file() -> Traversable:
    return resources.files("gridlaw.policies") / "reviewed.json"


def file_hashes(root: Traversable) -> dict[str, str]:
    from .packfiles import pack_files

    return {rel: hashlib.sha256(data).hexdigest() for rel, data in pack_files(root).items()}


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


@functools.lru_cache(maxsize=1)
def _manifest() -> dict[str, dict[str, str]]:
    return load_manifest()


# Every pack compiled in this process, by content hash: its review state, so that each answer
# (check, compare, audit, API) can say when a pack it used differs from its reviewed state.
_STATE: dict[str, tuple[str, str, list[str] | None]] = {}


def review_key(root: Traversable, pack_id: str) -> str:
    """A shipped pack's entry in the manifest is its folder under policies/ (yancheng,
    national/penaltylaw/2021); a pack from elsewhere is held to the entry of its id."""
    import os

    base = resources.files("gridlaw.policies")
    try:
        rel = os.path.relpath(str(root), str(base))
    except ValueError:
        return pack_id
    return pack_id if rel.startswith("..") or os.path.isabs(rel) else rel.replace(os.sep, "/")


def note(pack_id: str, pack_hash: str, files: dict[str, bytes], title: str = "", root: Traversable | None = None
         ) -> list[str] | None:
    """The files of a pack (as read for compiling) compared with the manifest: [] when they are the
    reviewed ones, the differences when not, None when the manifest has no entry for this pack."""
    want = _manifest().get(review_key(root, pack_id) if root is not None else pack_id)
    if want is None:
        out = None
    else:
        have = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
        out = [f"{rel}: changed since review" for rel in sorted(set(want) & set(have)) if want[rel] != have[rel]]
        out += [f"{rel}: removed since review" for rel in sorted(set(want) - set(have))]
        out += [f"{rel}: added since review" for rel in sorted(set(have) - set(want))]
    _STATE[pack_hash] = (pack_id, title, out)
    return out


def review_of(pack_hash: str) -> dict:
    """``{"pack", "state": reviewed | changed | not_reviewed, "changes": [...]}`` for a compiled pack."""
    pack_id, title, changes = _STATE.get(pack_hash, ("?", "", None))
    state = "not_reviewed" if changes is None else ("changed" if changes else "reviewed")
    return {"pack": pack_id, "title": title, "state": state, "changes": changes or []}


_CHANGE_ZH = {"changed since review": "审核后被改动", "removed since review": "审核后被删除",
              "added since review": "审核后新增"}


def warning(reviews: list[dict], lang: str = "zh") -> str | None:
    """One sentence for the reader when a pack that answered differs from its reviewed state."""
    changed = [r for r in reviews if r["state"] == "changed"]
    if not changed:
        return None
    if lang == "en":
        return ("Warning: the pack(s) " + "; ".join(f"{r['pack']} ({', '.join(r['changes'])})" for r in changed)
                + " differ from their reviewed state (policies/reviewed.json); this answer was not made under the "
                  "reviewed rules.")
    parts = []
    for r in changed:
        files = "、".join(f"{c.split(': ')[0]} {_CHANGE_ZH.get(c.split(': ', 1)[-1], '')}" for c in r["changes"])
        parts.append(f"《{r['title'] or r['pack']}》（{files}）")
    return "注意：所用规定包" + "；".join(parts) + "与审核时的状态不同，本结论不是依据审核过的规则作出的。"
