"""The pack cache's key: a changed engine file or a changed pack is validated again."""
from __future__ import annotations

import os
import shutil

from gridlaw import packcache, stamp
from gridlaw.loader import compile_pack, pack_root


def test_the_files_key_changes_with_any_file_edit_added_or_removed_file(tmp_path):
    tree = tmp_path / "engine"
    (tree / "audit").mkdir(parents=True)
    (tree / "a.py").write_text("x = 1\n")
    (tree / "audit" / "b.yaml").write_text("k: v\n")
    (tree / "__pycache__").mkdir()
    key = stamp.files_key(str(tree))
    assert stamp.files_key(str(tree)) == key
    (tree / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")      # compiled files do not count
    assert stamp.files_key(str(tree)) == key
    st = os.stat(tree / "a.py")
    (tree / "a.py").write_text("x = 2\n")                                 # same size, new bytes
    os.utime(tree / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    edited = stamp.files_key(str(tree))
    assert edited != key
    (tree / "audit" / "b.yaml").write_text("k: vv\n")                   # size changes
    os.utime(tree / "audit" / "b.yaml", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert stamp.files_key(str(tree)) not in (key, edited)
    before = stamp.files_key(str(tree))
    (tree / "audit" / "c.py").write_text("")
    assert stamp.files_key(str(tree)) != before
    (tree / "audit" / "c.py").unlink()
    assert stamp.files_key(str(tree)) == before


def test_a_new_engine_key_or_a_changed_pack_is_validated_again(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDLAW_CACHE_DIR", str(tmp_path / "cache"))
    pack = compile_pack(pack_root("zigong"), "zigong")          # validated, stored
    assert packcache.validated("zigong", pack.hash)
    packcache._engine_key.cache_clear()
    monkeypatch.setattr(stamp, "engine_files_key", lambda: "an edited engine")
    try:
        assert not packcache.validated("zigong", pack.hash)
    finally:
        packcache._engine_key.cache_clear()
    monkeypatch.undo()
    monkeypatch.setenv("GRIDLAW_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "zigong"
    shutil.copytree(str(pack_root("zigong")), copy)
    rule = sorted((copy / "rules").glob("*.yaml"))[0]
    rule.write_text(rule.read_text("utf-8") + "\n# 改动\n", "utf-8")
    changed = compile_pack(copy, "zigong", use_cache=False)
    assert changed.hash != pack.hash and not packcache.validated("zigong", changed.hash)
