"""The words a case can be found by, and how a search is split into words: one rule for indexing and searching.

Words are case-folded, stripped of accents, and split on anything that is not a letter or a digit, so
"Zoë O'Brien" is found by "zoe" or "obrien", and a reference "FH-2026-00042" by "00042". A search
matches cases having every word of the search as the start of one of their words.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERM = 40
MIN_SEARCH_WORD = 2
_SPLIT = re.compile(r"[^0-9a-z]+")
# Words too common in complaints to narrow a search; left out of the index and ignored in searches.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "with",
    ]
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("'", "").replace("\u2019", "")


def words(text: str) -> list[str]:
    return [w[:MAX_TERM] for w in _SPLIT.split(_fold(text)) if w and w not in STOP_WORDS]


def index_terms(*texts: str) -> set[str]:
    """The distinct words of all the texts, as stored in the index."""
    return {w for text in texts for w in words(text)}


def search_words(query: str) -> list[str]:
    """The words of a search worth looking up: short ones would match half the index, so they are dropped."""
    return sorted({w for w in words(query) if len(w) >= MIN_SEARCH_WORD})
