"""gridlaw: checks acts of grid-based social governance (网格化服务管理)
against the municipal regulation in force, article by article.

    >>> import gridlaw
    >>> d = gridlaw.check({"kind": "assignment", "city": "yancheng", "date": "2024-05-01",
    ...                    "task": {"text": "对焚烧秸秆当事人当场罚款"}})
    >>> d.decision
    'non_compliant'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["__version__", "check", "load_pack", "parse_act", "GridlawError", "PackError", "InputError",
           "Decision", "DecisionValue", "Outcome", "Kind"]

if TYPE_CHECKING:
    from .errors import GridlawError, InputError, PackError
    from .evaluate import Decision, DecisionValue, Kind, Outcome


def __getattr__(name: str) -> Any:
    # Heavy modules are imported on first use, so `gridlaw --help` stays fast.
    if name == "load_pack":
        from .loader import load_pack
        return load_pack
    if name == "parse_act":
        from .api import parse_act
        return parse_act
    if name in ("GridlawError", "PackError", "InputError"):
        from . import errors
        return getattr(errors, name)
    if name in ("Decision", "DecisionValue", "Outcome", "Kind"):
        from . import evaluate
        return getattr(evaluate, name)
    raise AttributeError(name)


def check(act: Any, checklist: Any = None) -> "Decision":
    from .api import check as _check
    return _check(act, checklist)
