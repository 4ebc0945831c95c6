"""The periods a transparency report covers: a quarter ("2026Q3"), a calendar year ("2026") or an explicit range of
days ("2026-01-01..2026-06-30"), each inclusive of its first and last day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Years 0001 to 9999, as `datetime.date` has them: "0000" is no year, and must be a `PeriodError`, not date's own.
QUARTER = re.compile(r"^(?!0000)(\d{4})-?[Qq]([1-4])$")
YEAR = re.compile(r"^(?!0000)(\d{4})$")
RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
FORMS = "a quarter such as 2026Q3, a year such as 2026, or a range such as 2026-01-01..2026-06-30"


class PeriodError(ValueError):
    """A period that cannot be read, or one a report may not cover; the message says why."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def label(self) -> str:
        """The shortest of the three forms that names exactly this period."""
        if self.start.month == 1 and self.start.day == 1 and self.end == date(self.start.year, 12, 31):
            return f"{self.start.year:04d}"  # four digits, as `parse` reads them, even before 1000
        for quarter in range(1, 5):
            if self == quarter_of(self.start.year, quarter):
                return f"{self.start.year:04d}Q{quarter}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """The label as it appears in a web address or a file name."""
        return self.label.replace("..", "-to-").lower()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def nested_with(self, other: Period) -> bool:
        return self.contains(other) or other.contains(self)

    def __str__(self) -> str:
        return self.label


def quarter_of(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    # The fourth quarter ends on 31 December: the day before 1 January of the next year would not exist in 9999.
    end = date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(days=1)
    return Period(start, end)


def parse(text: str) -> Period:
    """Read a period in one of the three forms; `PeriodError` names the problem."""
    value = text.strip()
    if match := QUARTER.match(value):
        return quarter_of(int(match[1]), int(match[2]))
    if match := YEAR.match(value):
        year = int(match[1])
        return Period(date(year, 1, 1), date(year, 12, 31))
    if match := RANGE.match(value):
        try:
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError as exc:
            raise PeriodError(f"{value!r} is not a range of real dates: {exc}") from None
        return Period(start, end)
    raise PeriodError(f"{value!r} is not a period: give {FORMS}")


def from_slug(slug: str) -> Period:
    """The period a web address names (`Period.slug`); `PeriodError` if it names none."""
    return parse(slug.replace("-to-", ".."))
