"""Publishing a transparency report: the release log's one action.

A release is made once per period and never changed: re-publishing a period gives back the release already made, so
the figures members have read cannot quietly shift. Each release is checked against every earlier one before it is
published (`analytics.differencing`), is recorded on the audit log with a digest of what it published, and carries
the log's signed checkpoint made just after that entry, so a reader can later prove the log still holds it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.analytics.differencing import PeriodConflict, PriorRelease
from fairhearing.analytics.disclosure import Status, protect
from fairhearing.analytics.periods import Period, PeriodError
from fairhearing.analytics.transparency import TABLES, build_content
from fairhearing.audit import log as audit
from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.transparency import loading
from fairhearing.transparency.models import Release


@dataclass(frozen=True)
class Published:
    release: Release
    created: bool  # False: the period was published before, and this is that release


def publish_release(
    period: Period, *, user: User | None = None, label: str | None = None, now: datetime | None = None
) -> Published:
    """Publish the report for `period`, or give back the one already published for it.

    The reading comes first, outside the transaction (at national size it takes a while); the check against the
    release log, the release, its audit entry and the checkpoint are one transaction, under the audit log's lock,
    so two publications at once cannot both pass the check against a log that lacks the other.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if period.end >= today:
        raise ActionRefused(
            [
                Refusal(
                    "period",
                    f"the period {period} has not ended yet (it ends on {period.end}): its figures would change",
                )
            ]
        )
    existing = Release.objects.filter(label=period.label).first()
    if existing is not None:
        return Published(existing, created=False)
    facts = loading.report_facts(period)
    with transaction.atomic():
        audit.current_head(lock=True)
        existing = Release.objects.filter(label=period.label).first()
        if existing is not None:
            return Published(existing, created=False)
        try:
            release = protect(facts.microdata, TABLES, period=period, priors=prior_releases())
        except (PeriodConflict, PeriodError) as exc:
            raise ActionRefused([Refusal("period", str(exc))]) from None
        content = build_content(facts, release, published_at=now)
        digest = content_digest(content)
        withheld = {s.value: n for s, n in release.counts().items() if s != Status.PUBLISHED}
        audit.record(
            user,
            "transparency.published",
            "transparency_release",
            period.label,
            summary=f"Transparency report for {period} published ({sum(withheld.values())} figure(s) withheld).",
            data={
                "period": period.label,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "content_sha256": digest,
                "withheld": withheld,
                "differenced_with": list(release.differenced_with),
            },
            at=now,
            label=label,
        )
        # After the entry: the checkpoint the report carries vouches for the log with this release on it.
        make_checkpoint(now)
        content["checkpoint"] = loading.checkpoint()
        stored = Release.objects.create(
            label=period.label,
            slug=period.slug,
            starts_on=period.start,
            ends_on=period.end,
            published_at=now,
            published_by=user,
            published_by_label=audit.actor_label(user) if label is None else label,
            content=content,
            truth=[[*cell, value] for cell, value in sorted(release.published_truth().items())],
        )
    return Published(stored, created=True)


def prior_releases() -> list[PriorRelease]:
    return [
        PriorRelease(
            r.label,
            Period(r.starts_on, r.ends_on),
            {(str(table), str(row), str(column)): int(value) for table, row, column, value in r.truth},
        )
        for r in Release.objects.order_by("starts_on", "ends_on")
    ]


def content_digest(content: dict) -> str:
    """SHA-256 of the report's figures and words (everything but the checkpoint, which comes after the entry)."""
    figures = {k: v for k, v in content.items() if k != "checkpoint"}
    return hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
