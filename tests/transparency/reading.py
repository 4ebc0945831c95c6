"""Reading rendered HTML back as a reader sees it: each table's cells by caption, and every tag with its attributes.

The standard library's HTML parser, so the tests read what a browser would, not what a regular expression hopes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)

    def row(self, label: str) -> list[str]:
        """The cells of the row whose heading is `label`, its heading first."""
        return next(r for r in self.rows if r and r[0] == label)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[Table] = []
        self.pre: list[str] = []
        self._table: Table | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._pre: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table = Table()
        elif tag == "tr" and self._table is not None:
            self._table.rows.append([])
        elif tag in ("th", "td") and self._table is not None:
            self._cell = []
        elif tag == "caption":
            self._caption = []
        elif tag == "pre":
            self._pre = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._table is not None and self._cell is not None:
            self._table.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._table is not None and self._caption is not None:
            self._table.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "pre" and self._pre is not None:
            self.pre.append("".join(self._pre))
            self._pre = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._caption, self._pre):
            if part is not None:
                part.append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def table(html: str, caption: str) -> Table:
    """The table whose caption starts with `caption`."""
    found = [t for t in read(html).tables if t.caption.startswith(caption)]
    assert len(found) == 1, f"{len(found)} tables captioned {caption!r}"
    return found[0]
