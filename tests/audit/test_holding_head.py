"""Holding the log's head for one long transaction (the national-size demo's replay) gives exactly the log that
appending with the head row rewritten each time gives, and refuses to commit a log it could not keep whole."""

from __future__ import annotations

import pytest
from django.db import transaction

from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.audit.log import HeldHeadError, current_head, holding_head, record_many
from fairhearing.audit.models import AuditEvent, LogHead
from fairhearing.audit.verify import verify_log
from tests.audit.test_record_many import entries, one_by_one, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_appends_while_held_are_the_same_log_as_appends_that_rewrite_the_head():
    one_by_one(entries(4))
    with transaction.atomic():
        one_by_one(entries(40, 4))
        record_many(None, entries(9, 44), label="importer")
        one_by_one(entries(5, 53))
        expected = snapshot()
        transaction.set_rollback(True)
    with transaction.atomic(), holding_head():
        one_by_one(entries(40, 4))
        record_many(None, entries(9, 44), label="importer")
        one_by_one(entries(5, 53))
        # Readers inside the transaction see the held head as it stands, not the row written at the start.
        assert current_head().size == 58
        assert LogHead.objects.get().size == 4
    assert snapshot() == expected
    assert verify_log().size == 58


def test_a_checkpoint_made_while_held_signs_the_log_as_it_stands():
    with transaction.atomic(), holding_head():
        one_by_one(entries(12))
        checkpoint = make_checkpoint()
    assert checkpoint.size == 12
    assert bytes(checkpoint.root) == bytes(LogHead.objects.get().root)
    assert verify_log().size == 12


def test_entries_lost_to_a_rolled_back_savepoint_stop_the_transaction_committing():
    one_by_one(entries(3))
    before = snapshot()
    with pytest.raises(HeldHeadError, match="2 entries were appended"), transaction.atomic(), holding_head():
        one_by_one(entries(1, 3))
        try:
            with transaction.atomic():
                one_by_one(entries(1, 4))
                raise RuntimeError("a step that failed and was carried on from")
        except RuntimeError:
            pass
    assert snapshot() == before
    assert AuditEvent.objects.count() == 3
    assert verify_log().size == 3


def test_a_failure_while_held_leaves_the_log_as_it_was():
    one_by_one(entries(3))
    before = snapshot()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), holding_head():
        one_by_one(entries(6, 3))
        1 / 0  # noqa: B018 - the failure under test
    assert snapshot() == before


def test_holding_the_head_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside a transaction"), holding_head():
        pass
