"""Parse a pack's ``source.md`` (written by scripts/clean_sources.py) into
articles, paragraphs (款) and items (项).

Format: ``### 第N条`` starts an article; paragraphs are separated by a blank
line; within a paragraph, the first line is the lead-in and each following
line starting with ``（一）`` is an item. ``#``/``##`` headings, ``<!-- -->``
comments and ``> `` lines are not regulation text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .textnorm import cn_to_int, normalize, to_simplified

_ARTICLE = re.compile(r"^###\s*第([零〇一二两三四五六七八九十百千]+)条\s*$")
_ITEM = re.compile(r"^（([零一二三四五六七八九十]+)）")


@dataclass
class Paragraph:
    lead: str
    items: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.lead, *self.items])


@dataclass
class Article:
    number: int
    line: int
    chapter: str | None
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def locate(self, paragraph: int | None = None, item: int | None = None) -> str | None:
        """The text of 第N款第（M）项 (an item with its lead-in), or None when it does not exist."""
        if paragraph is None:
            return self.text
        if not 1 <= paragraph <= len(self.paragraphs):
            return None
        para = self.paragraphs[paragraph - 1]
        if item is None:
            return para.text
        if not 1 <= item <= len(para.items):
            return None
        return para.lead + "\n" + para.items[item - 1]  # an item reads with its lead-in


@dataclass
class Source:
    title: str
    articles: dict[int, Article]
    _norm: dict[tuple[int, int | None, int | None], str] = field(default_factory=dict, repr=False)

    def contains(self, quote: str, article: int, paragraph: int | None = None, item: int | None = None) -> bool:
        """Is the quote, normalised, inside the cited article/paragraph/item?

        A paragraph-level citation also accepts a quote that runs over its
        lead-in and an item (the normalised text joins them)."""
        key = (article, paragraph, item)
        if key not in self._norm:
            art = self.articles.get(article)
            text = art.locate(paragraph, item) if art else None
            self._norm[key] = normalize(text) if text is not None else ""
        return bool(self._norm[key]) and normalize(quote) in self._norm[key]


    def verbatim(self, quote: str, article: int, paragraph: int | None = None, item: int | None = None) -> bool:
        """Is the quote, punctuation and width as written, inside the cited text? Only the script may
        differ (a traditional text quoted in simplified) and the line break between a lead-in and its
        items. ``contains`` also normalises punctuation and width; this says whether it had to."""
        art = self.articles.get(article)
        text = art.locate(paragraph, item) if art else None
        return text is not None and to_simplified(quote) in to_simplified(text.replace("\n", ""))


def parse_source(text: str) -> Source:
    title = ""
    chapter: str | None = None
    articles: dict[int, Article] = {}
    current: Article | None = None
    para: Paragraph | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        m = _ARTICLE.match(line)
        if m:
            current = Article(cn_to_int(m.group(1)), lineno, chapter)
            articles[current.number] = current
            para = None
            continue
        if line.startswith("### "):
            continue
        if line.startswith("## "):
            chapter, current, para = line[3:].strip(), None, None
            continue
        if line.startswith("# "):
            title = line[2:].strip()
            continue
        if not line:
            para = None
            continue
        if line.startswith(("<!--", "> ")) or current is None:
            continue
        if para is not None and _ITEM.match(line):
            para.items.append(line)
        else:
            para = Paragraph(line)
            current.paragraphs.append(para)
    return Source(title, articles)
