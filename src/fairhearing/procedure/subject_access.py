"""Subject access (UK GDPR Art. 15): when a request is due, and the redaction rule for third parties' data.

Pure: no Django. The privacy service collects the records and the names; this module decides the deadline and
rewrites text so that nobody but the requester is named in what they receive.

The deadline (REQ 32, the ICO's reading of Art. 12(3)): one calendar month after the day of receipt, i.e. the same
day number in the next month; where the next month has no such day (a request received on 31 January), the last
day of that month. An extension runs by at most two further months and needs reasons.

The redaction rule (see docs/subject-access.md): every other person's name is replaced by a label for the part
they play - "[the complainant]", "[panel member]", "[staff]", "[another member]" - wherever it appears in free
text; whole words only, ignoring case; the longest known name wins ("Ann Lee-Smith" before "Ann Lee"). Names the
same as the requester's own are left alone, because the requester's own name is their data and the two cannot be
told apart in text. Every email address but the requester's own is replaced by "[email address]".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

MAX_EXTENSION_MONTHS = 2

# Labels for the people a record may name, most specific first: when one name belongs to several people (two
# members with the same name), the more specific label wins, so the text still reads sensibly.
THE_COMPLAINANT = "[the complainant]"
THE_RESPONDENT = "[the respondent]"
INVESTIGATOR = "[investigator]"
PANEL_MEMBER = "[panel member]"
STAFF = "[staff]"
ANOTHER_MEMBER = "[another member]"
ANOTHER_PERSON = "[another person]"
EMAIL_ADDRESS = "[email address]"
LABEL_PRIORITY = (THE_COMPLAINANT, THE_RESPONDENT, INVESTIGATOR, PANEL_MEMBER, STAFF, ANOTHER_MEMBER, ANOTHER_PERSON)

# Titles and post-nominals a recorded name may carry but free text often leaves out ("Dr Ann Lee" -> "Ann Lee").
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev"})
_POSTNOMINALS = frozenset({"mp", "msp", "ms", "mbe", "obe", "cbe", "kc", "qc", "jp", "phd", "dl"})

# A word: letters and digits, with inner apostrophes and hyphens kept ("O'Brien", "Lee-Smith").
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_EMAIL = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+")


def add_months(day: date, months: int) -> date:
    """The same day number `months` later, or the last day of that month where it is shorter."""
    if months < 0:
        raise ValueError("months cannot be negative")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received: date) -> date:
    """When a subject access request received on `received` must be answered: one calendar month later."""
    return add_months(received, 1)


def latest_extension(received: date) -> date:
    """The furthest an extension may take the deadline: two further months (Art. 12(3))."""
    return add_months(received, 1 + MAX_EXTENSION_MONTHS)


def extension_refusals(*, received: date, due: date, today: date, extend_to: date, reason: str) -> list[str]:
    """Why an extension may not be recorded, if it may not: it needs reasons, must be decided (and the member told)
    before the first month ends, must move the deadline later, and may not go past two further months."""
    refusals = []
    if not reason.strip():
        refusals.append("give the reasons for the extension: the member must be told why")
    if today > due:
        refusals.append(f"the request was due on {due.isoformat()}: an extension must be decided within that month")
    if extend_to <= due:
        refusals.append(f"an extension must move the deadline later than {due.isoformat()}")
    if extend_to > latest_extension(received):
        refusals.append(f"an extension may run at most two further months, to {latest_extension(received).isoformat()}")
    return refusals


def _key(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w.casefold().replace("\u2019", "'") for w in words)


def name_variants(name: str) -> set[tuple[str, ...]]:
    """The word sequences under which a recorded name may appear in text: as recorded, and without titles or
    post-nominals. A variant of a single word is kept only if the whole name was one word, so "Dr Lee" does not
    make every "Lee" a match."""
    words = _key(_WORD.findall(name))
    if not words:
        return set()
    variants = {words}
    core = words
    while len(core) > 1 and core[0].rstrip(".") in _TITLES:
        core = core[1:]
    while len(core) > 1 and core[-1] in _POSTNOMINALS:
        core = core[:-1]
    if len(core) > 1 or len(words) == 1:
        variants.add(core)
    return variants


def _rank(label: str) -> int:
    return LABEL_PRIORITY.index(label) if label in LABEL_PRIORITY else len(LABEL_PRIORITY)


def _labelled(people: Iterable[tuple[str, str]], own: frozenset[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """Name variants -> label, the most specific label winning where one name belongs to several people."""
    labels: dict[tuple[str, ...], str] = {}
    for name, label in people:
        for variant in name_variants(name):
            if variant in own:
                continue
            current = labels.get(variant)
            if current is None or _rank(label) < _rank(current):
                labels[variant] = label
    return labels


@dataclass(frozen=True)
class Redactor:
    """Replaces the names of everyone but the requester with role labels, and others' email addresses.

    Build it once with every known person (`people`: name, label) and the requester's own names and addresses;
    `for_case` gives a copy that labels the people of one case by their part in it.
    """

    names: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    own: frozenset[tuple[str, ...]] = frozenset()
    own_emails: frozenset[str] = frozenset()
    _lengths: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        # Longest names are tried first, so "Ann Lee-Smith" is replaced whole rather than as "Ann Lee" plus a rest.
        lengths = {len(k) for k in self.names} | {len(k) for k in self.own}
        object.__setattr__(self, "_lengths", tuple(sorted(lengths, reverse=True)))

    @classmethod
    def build(
        cls, people: Iterable[tuple[str, str]], *, own_names: Iterable[str] = (), own_emails: Iterable[str] = ()
    ) -> Redactor:
        own = frozenset(v for n in own_names for v in name_variants(n))
        emails = frozenset(e.strip().casefold() for e in own_emails if e.strip())
        return cls(_labelled(people, own), own, emails)

    def for_case(self, people: Iterable[tuple[str, str]]) -> Redactor:
        """A copy in which `people` (name, label) carry these labels: a case's own parties override the general
        ones (the complainant of this case is "[the complainant]" here, "[another member]" elsewhere)."""
        return Redactor({**self.names, **_labelled(people, self.own)}, self.own, self.own_emails)

    def label_for(self, name: str) -> str | None:
        """The label that replaces this exact name, or None if it is the requester's own or unknown."""
        words = _key(_WORD.findall(name))
        return self.names.get(words) if words not in self.own else None

    def text(self, value: str) -> str:
        """`value` with every other person's name and email address replaced."""
        if not value:
            return value
        value = _EMAIL.sub(lambda m: m.group(0) if m.group(0).casefold() in self.own_emails else EMAIL_ADDRESS, value)
        if not self.names:
            return value
        words = list(_WORD.finditer(value))
        out: list[str] = []
        position = i = 0
        while i < len(words):
            match = self._match_at(value, words, i)
            if match is None:
                i += 1
                continue
            n, label, end = match
            if label is not None:
                out += [value[position : words[i].start()], label]
                position = end
            i += n
        out.append(value[position:])
        return "".join(out)

    def _match_at(self, value: str, words: list[re.Match[str]], i: int) -> tuple[int, str | None, int] | None:
        """The longest name starting at word `i`: (words it spans, its label or None if it is the requester's own
        name, where it ends in `value`)."""
        for n in self._lengths:
            if i + n > len(words):
                continue
            span = words[i : i + n]
            # The words of a name are separated by spaces (or a line break) only: "Ann, Lee" is two people.
            if any(value[a.end() : b.start()].strip() for a, b in pairwise(span)):
                continue
            key = _key(m.group(0) for m in span)
            end = span[-1].end()
            if key not in self.own and key not in self.names and key[-1].endswith("'s") and len(key[-1]) > 2:
                # A possessive: "Ann Lee's post" names Ann Lee; the "'s" stays.
                key, end = (*key[:-1], key[-1][:-2]), end - 2
            if key in self.own:
                return n, None, end
            label = self.names.get(key)
            if label is not None:
                return n, label, end
        return None
