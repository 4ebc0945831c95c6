"""Which column of a members file holds what: our own column names, the CRM presets, and `--map source=target`.

Pure Python (no Django): it sees only the file's header, so it is tested without a database. The mapping each
preset implements is written out in docs/import.md; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fairhearing.tables.problems import WHOLE_FILE, Report

# Our own columns (docs/import.md, "Members: columns").
OWN = ("membership_number", "name", "email", "branch", "status", "joined", "left_on", "offices")
REQUIRED = ("membership_number", "name", "branch", "joined")
# Targets a CRM export needs besides ours: a name in two parts, joined with a space when there is no `name`; and
# a membership end date, which is `left_on` only for someone who has left (for a current member a CRM's end date
# is the renewal date, not a departure).
NAME_PARTS = ("first_name", "last_name")
MEMBERSHIP_END = "membership_end"
TARGETS = (*OWN, *NAME_PARTS, MEMBERSHIP_END)

# Source column -> our column. Where several sources feed one target, the first one the file has wins (dict order)
# and the others are ignored with a warning.
PRESETS: dict[str, dict[str, str]] = {
    # CiviCRM's contact export with membership fields (the field titles of CRM_Member_DAO_Membership and the
    # contact fields). Organisations usually keep their own membership number in "External Identifier"; CiviCRM's
    # own "Contact ID" is the fallback.
    "civicrm": {
        "External Identifier": "membership_number",
        "Contact ID": "membership_number",
        "Display Name": "name",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Member Since": "joined",
        "Membership Start Date": "joined",
        "Membership End Date": MEMBERSHIP_END,
        "Membership Expiration Date": MEMBERSHIP_END,
        "Membership Status": "status",
    },
    # NationBuilder's people export (snake_case headers) with its membership fields.
    "nationbuilder": {
        "external_id": "membership_number",
        "nationbuilder_id": "membership_number",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "membership_started_at": "joined",
        "membership_expires_on": MEMBERSHIP_END,
        "membership_expires_at": MEMBERSHIP_END,
        "membership_status": "status",
    },
}

# A preset's membership statuses -> ours (compared ignoring case). Our own status words are always accepted too.
PRESET_STATUSES: dict[str, dict[str, str]] = {
    # CiviCRM's default membership statuses. New, Current and Grace are members in good standing; Pending
    # (awaiting a first payment) is counted as a member, as CiviCRM's own "is member" flag does.
    "civicrm": {
        "new": "active",
        "current": "active",
        "grace": "active",
        "pending": "active",
        "expired": "lapsed",
        "cancelled": "resigned",
        "deceased": "lapsed",
    },
    # NationBuilder's membership statuses.
    "nationbuilder": {
        "active": "active",
        "grace period": "active",
        "expired": "lapsed",
        "canceled": "resigned",
        "cancelled": "resigned",
    },
}


@dataclass
class Columns:
    """Where each target is found: its position in the row and the file's name for it (for messages)."""

    index: dict[str, int] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)

    def has(self, target: str) -> bool:
        return target in self.index

    @property
    def name_source(self) -> str:
        """The column(s) a problem with the name is reported against."""
        if "name" in self.source:
            return self.source["name"]
        return " + ".join(self.source[part] for part in NAME_PARTS if part in self.source)


def resolve(
    header: Sequence[str], report: Report, *, preset: str | None = None, mapping: Mapping[str, str] | None = None
) -> Columns:
    """Decide which column feeds which target. Problems (unknown preset or --map target, a --map column the file
    lacks, a required column missing) go on the report as problems of the whole file; unused columns as a warning."""
    mapping = dict(mapping or {})
    if preset is not None and preset not in PRESETS:
        report.problem(WHOLE_FILE, "", f"there is no preset '{preset}'; use one of: {', '.join(sorted(PRESETS))}")
        return Columns()
    present = {name: position for position, name in enumerate(header) if name}
    for source, target in mapping.items():
        if target not in TARGETS:
            report.problem(
                WHOLE_FILE,
                source,
                f"--map {source}={target}: '{target}' is not a column fairhearing imports; "
                f"map to one of: {', '.join(TARGETS)}",
            )
        if source not in present:
            report.problem(
                WHOLE_FILE,
                source,
                f"--map {source}={target}: the file has no column '{source}'; its columns are: "
                f"{', '.join(name for name in header if name)}",
            )
    if not report.ok:
        return Columns()

    # Candidates per target, best first: what --map says, then the preset, then our own column name.
    candidates: dict[str, list[str]] = {target: [] for target in TARGETS}
    for source, target in mapping.items():
        candidates[target].append(source)
    for source, target in PRESETS.get(preset or "", {}).items():
        if source not in mapping:
            candidates[target].append(source)
    for target in TARGETS:
        if target not in mapping and target not in PRESETS.get(preset or "", {}):
            candidates[target].append(target)

    columns = Columns()
    used: set[str] = set()
    for target, sources in candidates.items():
        found = [source for source in sources if source in present and source not in used]
        if not found:
            continue
        columns.index[target] = present[found[0]]
        columns.source[target] = found[0]
        used.add(found[0])
        for other in found[1:]:
            used.add(other)
            report.warn(WHOLE_FILE, other, f"not used: the column '{found[0]}' already gives the {target}")
    if columns.has("name"):
        for part in NAME_PARTS:
            if part in columns.index:
                report.warn(
                    WHOLE_FILE,
                    columns.source[part],
                    f"not used: the column '{columns.source['name']}' already gives the name",
                )
                del columns.index[part], columns.source[part]
    if columns.has("left_on") and columns.has(MEMBERSHIP_END):
        report.warn(
            WHOLE_FILE,
            columns.source[MEMBERSHIP_END],
            f"not used: the column '{columns.source['left_on']}' already gives the date membership ended",
        )
        del columns.index[MEMBERSHIP_END], columns.source[MEMBERSHIP_END]

    for target in REQUIRED:
        if columns.has(target) or (target == "name" and any(columns.has(part) for part in NAME_PARTS)):
            continue
        report.problem(WHOLE_FILE, target, _missing(target, preset))

    unused = [name for name in header if name and name not in used]
    if unused:
        report.warn(WHOLE_FILE, "", f"these columns are not imported: {', '.join(unused)}")
    return columns


def _missing(target: str, preset: str | None) -> str:
    accepted = [source for source, to in PRESETS.get(preset or "", {}).items() if to == target]
    if target == "name":
        accepted += [source for source, to in PRESETS.get(preset or "", {}).items() if to in NAME_PARTS]
    also = f" (with the {preset} preset: {', '.join(repr(a) for a in accepted)})" if accepted else ""
    if target == "name":
        also += " or the columns first_name and last_name"
    return (
        f"the required column '{target}' is missing{also}; add it, or name the column that holds it with "
        f"--map YOUR_COLUMN={target}"
    )


def status_words(preset: str | None, own: Sequence[str]) -> dict[str, str]:
    """Every status word accepted (lower case) -> our status."""
    words = {value.lower(): value for value in own}
    words.update(PRESET_STATUSES.get(preset or "", {}))
    return words
