"""Reading many distinct task texts on two cores.

Reading one task text (``lexicon.py``) costs some 20 µs of Python; an audit of a million rows whose
texts are all distinct spends most of its time there, on one core. Inside :func:`two_cores`, a batch of
at least ``min_texts`` distinct texts is cut into pieces: a second process reads pieces from the front
while this one reads from the back, until they meet. Every piece is read by the same function
(``infer_many``), and reading a text depends on that text alone, so the readings, and everything made
from them, are those of one process, in the same order. Small batches, and everything outside
:func:`two_cores`, stay in this process.

The child also writes each reading's explanation line (``report.nature_text``, what the audit shows
per row) and sends back, per piece, the values, assists flags, natures and lines, and every field of
every reading as plain tuples, pickled apart. This process then makes ``Shipped`` readings: an
``Inference`` whose value, assists flag and natures are set at once and whose other fields are filled
(the piece unpickled) the first time one is asked for. Rebuilding every reading here would cost about 8 µs
each, against some 20 µs to read the text and write its line; shipped, it costs about 3 µs.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Callable, Iterator

MIN_TEXTS = 20_000     # fewer distinct texts: one process (the child costs ~0.5 s to start, and pieces cost to ship)
PIECE = 2_048          # texts per piece, ~25 ms of reading: neither process waits long for the other at the end.
                       # Every path reads in pieces of this size, so that the readings are the same objects
                       # field for field (a match's ``at`` counts from its piece's start)

_pool: "_Pool | None" = None


def shipped_line(reading: Any, lang: str) -> str | None:
    """The explanation line the child wrote for a shipped reading in ``lang``; None for any other."""
    shipped = getattr(reading, "_line", None)
    return shipped[1] if shipped is not None and shipped[0] == lang else None


def read_texts(texts: list[str], fact: str) -> list[Any]:
    """The readings of ``texts`` (as ``lexicon.infer_many`` gives them), on two cores inside :func:`two_cores`."""
    from .lexicon import infer_many

    pool = _pool
    if pool is None or len(texts) < pool.min_texts:
        return infer_many(texts, fact, PIECE)
    return pool.read(texts, fact)


@contextmanager
def two_cores(explain: Callable[[Any, str], str] | None = None, lang: str = "zh",
              min_texts: int | None = None) -> Iterator[None]:
    """Within this block, large batches of texts are read by this process and one child, which also writes
    each reading's explanation line in ``lang`` with ``explain`` (a module-level function, which the child
    imports by name: ``report.nature_text``; passed in, as the core does not import the rendering). Nothing happens on a machine with one core, or with
    GRIDLAW_PROCESSES=1; the child starts at the first large batch."""
    global _pool
    if _pool is not None or (os.cpu_count() or 1) < 2 or os.environ.get("GRIDLAW_PROCESSES") == "1":
        yield
        return
    _pool = _Pool(MIN_TEXTS if min_texts is None else min_texts, lang, explain)
    try:
        yield
    finally:
        pool, _pool = _pool, None
        pool.close()


class _Pool:
    def __init__(self, min_texts: int, lang: str, explain: Callable[[Any, str], str] | None):
        self.min_texts = min_texts
        self.lang = lang
        self.explain = explain
        self._ex: Any = None
        self._broken = False

    def _executor(self) -> Any:
        if self._ex is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: the audit runs reader and writer threads (and pyarrow's), which a fork
            # would copy mid-step; the child imports only the lexicon
            self._ex = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"))
        return self._ex

    def read(self, texts: list[str], fact: str) -> list[Any]:
        import gc

        paused = gc.isenabled()
        gc.disable()     # as infer_many: many small objects, no cycles; the collector would walk them again and again
        try:
            return self._read(texts, fact)
        finally:
            if paused:
                gc.enable()

    def _read(self, texts: list[str], fact: str) -> list[Any]:
        from .lexicon import infer_many

        if self._broken:
            return infer_many(texts, fact, PIECE)
        pieces = [texts[i:i + PIECE] for i in range(0, len(texts), PIECE)]
        try:
            ex = self._executor()
            futures = [ex.submit(_read_flat, p, fact, self.lang, self.explain) for p in pieces]
        except Exception:          # no child to be had (a sandbox without processes): one core
            self._broken = True
            return infer_many(texts, fact, PIECE)
        mine: dict[int, list[Any]] = {}
        for k in range(len(pieces) - 1, -1, -1):   # from the back, each piece the child has not begun
            if not futures[k].cancel():
                break
            mine[k] = infer_many(pieces[k], fact, PIECE)
        out: list[Any] = []
        for k, fut in enumerate(futures):
            if k in mine:
                out += mine[k]
                continue
            try:
                out += _shipped(fut.result(), self.lang)
            except Exception:      # the child died: read the piece here (the result is the same)
                self._broken = True
                out += infer_many(pieces[k], fact, PIECE)
        return out

    def close(self) -> None:
        if self._ex is not None:
            self._ex.shutdown(wait=True, cancel_futures=True)
            self._ex = None


def _read_flat(texts: list[str], fact: str, lang: str, explain: Callable[[Any, str], str] | None) -> tuple:
    """In the child: the values, assists flags, natures and explanation lines of the readings, and every
    field of each as plain tuples, pickled apart: this process unpickles those only if a field is asked."""
    import pickle

    from .lexicon import infer_many

    got = infer_many(texts, fact, max(len(texts), 1))      # a piece: one batch, as in this process
    return ([i.value for i in got], [i.assists for i in got], [i.natures for i in got],
            [explain(i, lang) for i in got] if explain else [None] * len(got),
            pickle.dumps([_flat(i) for i in got], protocol=pickle.HIGHEST_PROTOCOL))


class _Piece:
    """The pickled fields of one piece's readings, unpickled the first time one of them is asked for."""
    __slots__ = ("blob", "flats")

    def __init__(self, blob: bytes):
        self.blob, self.flats = blob, None

    def get(self, k: int) -> tuple:
        if self.flats is None:
            import pickle

            self.flats, self.blob = pickle.loads(self.blob), b""
        return self.flats[k]


_FIELDS: tuple[str, ...] | None = None


def _fields() -> tuple[str, ...]:
    global _FIELDS
    if _FIELDS is None:
        import dataclasses

        from .lexicon import Inference

        _FIELDS = tuple(f.name for f in dataclasses.fields(Inference))
    return _FIELDS


def _flat(i: Any) -> tuple:
    return tuple(tuple(map(tuple, i.matches)) if n == "matches" else getattr(i, n) for n in _fields())


_SHIPPED: Any = None


def _shipped(got: tuple, lang: str) -> list[Any]:
    new = object.__new__
    cls = _shipped_class()
    values, assists, natures, lines, blob = got
    piece = _Piece(blob)
    out = []
    for k, (value, assist, nature, line) in enumerate(zip(values, assists, natures, lines)):
        s = new(cls)
        s.value, s.assists, s.natures, s._line, s._flat = value, assist, nature, \
            None if line is None else (lang, line), (piece, k)
        out.append(s)
    return out


def _shipped_class() -> Any:
    global _SHIPPED
    if _SHIPPED is None:
        from .lexicon import Inference, Match

        names = _fields()

        class Shipped(Inference):
            """A reading made in the child: its other fields are filled from the tuple when first asked for."""
            __slots__ = ("_line", "_flat")

            def __getattr__(self, name: str) -> Any:     # only for a field not set yet
                if name in ("_line", "_flat"):
                    raise AttributeError(name)
                where = self._flat
                if where is None or name not in names:
                    raise AttributeError(name)
                self._flat = None
                for n, v in zip(names, where[0].get(where[1])):
                    if n == "matches":
                        v = tuple(Match._make(m) for m in v)
                    elif n in ("value", "assists", "natures"):
                        continue
                    setattr(self, n, v)
                return getattr(self, name)

            def __eq__(self, other: Any) -> bool:          # equal to the Inference it was read as
                if not isinstance(other, Inference):
                    return NotImplemented
                return all(getattr(self, n) == getattr(other, n) for n in names
                           if n != "extra")

            __hash__ = None  # type: ignore[assignment]

        _SHIPPED = Shipped
    return _SHIPPED
