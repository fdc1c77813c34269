"""mypy sees the decision and outcome values of gridlaw.check (py.typed, Literal types)."""
import subprocess
import sys
from pathlib import Path

import gridlaw

SCRIPT = '''
import gridlaw

d = gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2024-05-01"})
reveal_type(d.decision)
reveal_type(d.findings[0].outcome)
reveal_type(d.kind)
if d.decision == "noncompliant":   # a typo mypy must catch
    pass
'''


def test_mypy_sees_decision_values(tmp_path):
    (tmp_path / "use.py").write_text(SCRIPT, "utf-8")
    # the installed package, under its import name (an editable install maps engine/ → gridlaw)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "gridlaw").symlink_to(Path(gridlaw.__file__).parent)
    assert (tmp_path / "pkg" / "gridlaw" / "py.typed").exists()
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict-equality", "--follow-imports=silent",
                        "--ignore-missing-imports", "--no-incremental", "use.py"],
                       capture_output=True, text=True, cwd=tmp_path, env={"MYPYPATH": "pkg", "PATH": ""})
    out = r.stdout
    assert "Literal['non_compliant']" in out and "Literal['needs_review']" in out, out
    assert "Literal['violated']" in out and "Literal['not_applicable']" in out, out
    assert "Literal['hire']" in out, out
    assert 'Non-overlapping equality check' in out and "Literal['noncompliant']" in out, out
    assert r.returncode == 1      # exactly the typo is an error
    assert out.count("error:") == 1, out
