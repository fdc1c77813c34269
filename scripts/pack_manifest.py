"""Write policies/reviewed.json: the SHA-256 of every source file of every pack, as reviewed.

Run after a pack change has been reviewed; `gridlaw validate` then reports any later edit.
"""
from __future__ import annotations

import json
from pathlib import Path

from gridlaw.loader import available_packs, pack_root
from gridlaw.packreview import file_hashes

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    packs = {city: file_hashes(pack_root(city)) for city in available_packs()}
    out = ROOT / "policies" / "reviewed.json"
    out.write_text(json.dumps({"packs": packs}, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"{out}: {sum(len(v) for v in packs.values())} files of {len(packs)} packs")
