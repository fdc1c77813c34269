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

__all__ = ["__version__", "check", "check_many", "Checked", "audit_table", "load_pack", "parse_act", "GridlawError", "PackError", "InputError",
           "Decision", "DecisionValue", "Outcome", "Kind"]

if TYPE_CHECKING:
    from .errors import GridlawError, InputError, PackError
    from .checkmany import Checked
    from .evaluate import Decision, DecisionValue, Kind, Outcome


def __getattr__(name: str) -> Any:
    # Heavy modules are imported on first use, so `gridlaw --help` stays fast.
    if name == "load_pack":
        from .loader import load_pack
        return load_pack
    if name == "audit_table":        # needs the audit extra (numpy, pyarrow)
        from .audit.inmemory import audit_table
        return audit_table
    if name == "Checked":
        from .checkmany import Checked
        return Checked
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


def check(act: Any, checklist: Any = None, city: str | None = None, pack: str | None = None,
          national: bool = True) -> "Decision":
    """Check one act under the law in force on its date; return a :class:`Decision`.

    ``act``: a dict as in an act file (``kind``, ``city``, ``date`` and the facts; values may be
    written as townships write them: 盐城, 专职网格员, 2024年5月1日, 是/否, 统一招聘, 大专), or an act
    model (``gridlaw.acts.Hire`` …). A fact left out is unknown, never false.

    ``checklist``: the county's published grid checklist, to look the task up in: a file path
    (YAML/JSON, CSV, XLSX, XLS, ODS with a 事项 column), a dict ``{county, published, matters}``,
    or a ``gridlaw.checklist.Checklist``.

    ``city``: the same act under another city's law; ``pack``: under that pack (a city, a national law
    or a county pack folder); ``national=False``: without the national layer.

    Raises :class:`InputError` (every problem with its field, ``.problems``) for bad input.
    ``decision.decision`` is compliant / non_compliant / needs_review / insufficient_facts /
    not_addressed / not_in_force; ``.findings``, ``.deciding_rules``, ``.missing`` (facts to
    settle, each with its document) and ``.to_dict()`` give the rest; ``gridlaw.report.render(
    decision, "text" | "json" | "html" | "md", lang)`` renders a report.
    """
    from .api import check as _check
    return _check(act, checklist, city, pack, national)


def check_many(acts: Any, checklist: Any = None, national: bool = True, city: str | None = None,
               pack: str | None = None) -> "list[Checked]":
    """Check many acts at once (dicts or models, any kinds and cities): one :class:`Checked` per act, in
    order, each exactly what :func:`check` answers for that act alone: ``.decision``, and the ids of the
    rules ``.violated``, ``.unknown`` and ``.review``. A bad act gets ``decision=None`` and its
    ``.problems`` (the ones ``check`` would raise); the rest go on. Validation and evaluation run by
    column (numpy), so a batch costs a fraction of one ``check`` per act. ``city`` / ``pack``: as in
    :func:`check`, every act under that city's law, or under that pack (a city, a national law or a folder)."""
    from .checkmany import check_many as _check_many
    return _check_many(acts, checklist, national, city, pack)
