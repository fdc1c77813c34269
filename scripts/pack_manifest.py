"""Write policies/reviewed.json: the SHA-256 of every source file of every pack, as reviewed.

Run after a pack change has been reviewed; `gridlaw validate` then reports any later edit.
"""
from __future__ import annotations

import json
from pathlib import Path

from gridlaw.loader import available_packs, pack_root
from gridlaw.packreview import file_hashes, review_key

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    packs = {review_key(pack_root(city), city): file_hashes(pack_root(city)) for city in available_packs()}
    national = pack_root("national")
    for law in sorted(national.iterdir(), key=lambda e: e.name):     # national laws, each version on its own
        if not law.is_dir() or law.name.startswith("_"):
            continue
        roots = [law] if (law / "pack.yaml").is_file() else sorted(
            (v for v in law.iterdir() if (v / "pack.yaml").is_file()), key=lambda e: e.name)
        for root in roots:
            packs[review_key(root, law.name)] = file_hashes(root)
    out = ROOT / "policies" / "reviewed.json"
    out.write_text(json.dumps({"packs": packs}, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"{out}: {sum(len(v) for v in packs.values())} files of {len(packs)} packs")
