"""Checking rulebook files from disk. Plain Python, so `fairhearing rulebook check` needs no database or settings."""

from __future__ import annotations

from pathlib import Path

from fairhearing.formatting import long_date
from fairhearing.procedure.rulebook import Problem, Rulebook, RulebookInvalid, check_versions, load_rulebook


def read_rulebook(name: str) -> tuple[str, Rulebook]:
    """The file's text and the rulebook in it; RulebookInvalid if it cannot be read or is not valid."""
    try:
        text = Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookInvalid([Problem("", f"cannot read the file: {exc}")]) from exc
    return text, load_rulebook(text)


def check_files(names: list[str]) -> tuple[list[str], list[str]]:
    """(a summary line per valid file, every problem found), each problem prefixed with its file."""
    problems: list[str] = []
    valid: list[tuple[str, Rulebook]] = []
    for name in names:
        try:
            valid.append((name, read_rulebook(name)[1]))
        except RulebookInvalid as exc:
            problems += [f"{name}: {p}" for p in exc.problems]
    if len(valid) > 1:
        problems += [str(p) for p in check_versions(valid)]
    return [summary(name, rb) for name, rb in valid], problems


def summary(name: str, rb: Rulebook) -> str:
    until = f" until {long_date(rb.effective_until)}" if rb.effective_until else ""
    return (
        f"{name}: OK - {rb.rulebook.organisation} rulebook {rb.version}, in force from "
        f"{long_date(rb.effective_from)}{until}: {len(rb.clauses)} clauses, {len(rb.bodies)} bodies, "
        f"{len(rb.jurisdiction)} jurisdiction rules, {len(rb.sanctions)} sanctions"
    )


def problem_count(problems: list[str]) -> str:
    return f"{len(problems)} {'problem' if len(problems) == 1 else 'problems'} found"
