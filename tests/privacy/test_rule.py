"""The subject access rules without a database: the one-month deadline, and the redaction of other people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairhearing.procedure import subject_access as rule
from fairhearing.procedure.subject_access import Redactor, add_months, due_date, latest_extension


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 2), date(2026, 4, 2)),
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # a leap year
        (date(2026, 1, 29), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),  # across the year end
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_receipt(received, due):
    assert due_date(received) == due


def test_an_extension_runs_at_most_two_further_months():
    assert latest_extension(date(2025, 11, 30)) == date(2026, 2, 28)
    assert latest_extension(date(2026, 3, 2)) == date(2026, 6, 2)
    with pytest.raises(ValueError, match="cannot be negative"):
        add_months(date(2026, 1, 1), -1)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_the_due_date_is_in_the_next_month_and_never_before_the_same_day(received):
    due = due_date(received)
    assert (due.year * 12 + due.month) - (received.year * 12 + received.month) == 1
    assert due.day == received.day or (due.day < received.day and (due + timedelta(days=1)).day == 1)


def redactor(**kwargs) -> Redactor:
    people = [
        ("Ann Lee", rule.THE_COMPLAINANT),
        ("Ann Lee-Smith", rule.ANOTHER_MEMBER),
        ("Dr Bob Stone MBE", rule.STAFF),
        ("Carla O'Brien", rule.PANEL_MEMBER),
        ("Jo Bloggs", rule.ANOTHER_MEMBER),
    ]
    return Redactor.build(people, own_names=["Jo Bloggs"], own_emails=["jo@example.org"], **kwargs)


def test_names_are_replaced_whole_word_and_ignoring_case():
    r = redactor()
    assert r.text("ANN LEE wrote to ann lee.") == "[the complainant] wrote to [the complainant]."
    # Longest name first, possessives keep their 's, titles and post-nominals are optional in text.
    assert r.text("Ann Lee-Smith's post") == "[another member]'s post"
    assert r.text("Bob Stone and Dr Bob Stone MBE") == "[staff] and [staff]"
    assert r.text("Carla O\u2019Brien chaired") == "[panel member] chaired"
    # A name split across a line break is still the name.
    assert r.text("said Ann\nLee") == "said [the complainant]"


def test_parts_of_names_and_longer_words_are_left_alone():
    r = redactor()
    text = "Annlee, Ann, Lee, Bob and Stone met at Ann Leeds; Ann, Lee and Bob Stoner."
    assert r.text(text) == text


def test_the_requesters_own_name_and_email_stay_and_other_emails_go():
    r = redactor()
    assert r.text("Jo Bloggs (jo@example.org) copied ann.lee@example.org") == (
        "Jo Bloggs (jo@example.org) copied [email address]"
    )


def test_a_namesake_of_the_requester_is_not_redacted_out_of_their_own_record():
    r = Redactor.build([("Jo Bloggs", rule.ANOTHER_MEMBER)], own_names=["Jo Bloggs"])
    assert r.text("Jo Bloggs") == "Jo Bloggs"
    assert r.label_for("Jo Bloggs") is None


def test_a_case_labels_its_own_parties_and_the_most_specific_label_wins():
    general = redactor()
    assert general.text("Jo met Carla O'Brien") == "Jo met [panel member]"
    case = general.for_case([("Carla O'Brien", rule.THE_COMPLAINANT)])
    assert case.text("Carla O'Brien") == "[the complainant]"
    assert general.text("Carla O'Brien") == "[panel member]"  # the general redactor is unchanged
    # Two people with one name: the more specific label is used.
    both = Redactor.build([("Sam Hill", rule.ANOTHER_MEMBER), ("Sam Hill", rule.INVESTIGATOR)])
    assert both.text("Sam Hill") == "[investigator]"


def test_a_single_word_title_alone_does_not_become_a_name():
    r = Redactor.build([("Dr Lee", rule.STAFF)])
    assert r.text("Dr Lee saw Lee") == "[staff] saw Lee"


def test_an_extension_needs_reasons_in_time_and_within_two_months():
    received, due = date(2026, 1, 31), date(2026, 2, 28)
    ok = {"received": received, "due": due, "today": date(2026, 2, 10), "extend_to": date(2026, 4, 30)}
    assert rule.extension_refusals(**ok, reason="Forty cases to search.") == []
    assert rule.extension_refusals(**ok, reason=" ") == [
        "give the reasons for the extension: the member must be told why"
    ]
    late = ok | {"today": date(2026, 3, 1)}
    assert rule.extension_refusals(**late, reason="x") == [
        "the request was due on 2026-02-28: an extension must be decided within that month"
    ]
    assert rule.extension_refusals(**(ok | {"extend_to": date(2026, 5, 1)}), reason="x") == [
        "an extension may run at most two further months, to 2026-04-30"
    ]
    assert rule.extension_refusals(**(ok | {"extend_to": due}), reason="x") == [
        "an extension must move the deadline later than 2026-02-28"
    ]
