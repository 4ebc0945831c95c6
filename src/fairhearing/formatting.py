"""How dates read in messages people see."""

from datetime import date


def long_date(day: date) -> str:
    """'1 January 2022': no zero padding, and no platform-specific strftime flags."""
    return f"{day.day} {day:%B %Y}"
