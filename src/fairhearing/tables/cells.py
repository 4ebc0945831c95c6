"""Reading one cell: dates, whole numbers, lists, choices, and the formula-looking text that is never evaluated."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

LIST_SEPARATOR = ";"
# A cell a spreadsheet would run as a formula (CSV injection: =HYPERLINK(...), +cmd|..., @SUM(...)). A lone sign
# before a number ("-5", "+44 20 7946 0000") is data, not a formula.
_FORMULA = re.compile(r"^\s*(?:[=@]|[+-](?![\d\s().]*$))")


class CellError(ValueError):
    """The cell's value is wrong; the message says how, for the person fixing the file."""


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA.match(text))


def text(value: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = value.strip()
    if required and not value:
        raise CellError("is empty, and a value is needed here")
    if max_length is not None and len(value) > max_length:
        raise CellError(f"is {len(value)} characters long; at most {max_length} fit")
    return value


def iso_date(value: str, *, required: bool = False) -> date | None:
    value = value.strip()
    if not value:
        if required:
            raise CellError("is empty, and a date is needed here (written as 2024-03-25)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(f"'{value}' is not a date written as year-month-day, such as 2024-03-25") from None


def whole_number(value: str, *, required: bool = False, minimum: int = 0) -> int | None:
    value = value.strip()
    if not value:
        if required:
            raise CellError("is empty, and a whole number is needed here")
        return None
    if not re.fullmatch(r"\d+", value):
        raise CellError(f"'{value}' is not a whole number, such as 30")
    number = int(value)
    if number < minimum:
        raise CellError(f"{number} is less than {minimum}")
    return number


def listed(value: str) -> list[str]:
    """A list separated by semicolons: 'a; b;c' -> ['a', 'b', 'c']; empty parts are dropped."""
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def choice(value: str, allowed: Collection[str], *, what: str, required: bool = True) -> str:
    value = value.strip()
    if not value and not required:
        return ""
    if value not in allowed:
        shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
        shown_value = f"'{value}'" if value else "an empty cell"
        raise CellError(f"{shown_value} is not a known {what}; use one of: {shown}")
    return value
