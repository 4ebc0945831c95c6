"""Finding cases by words: the reference, the parties' names and numbers, the clauses, and the allegations.

The words live in `SearchTerm` rows, written when a case is opened and rewritten when its parties' details are
anonymised, so a search never finds a case by a name that has been removed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from fairhearing.cases.models import Case, SearchTerm
from fairhearing.procedure.search_terms import MAX_TERM, index_terms, search_words

# Above every character a term can hold, so [word, word + _TOP) is "every term starting with word".
_TOP = "\U0010ffff"


def terms_of(case: Case) -> set[str]:
    parties = [case.respondent]
    if case.complainant_member_id:
        parties.append(case.complainant_member)
    return index_terms(
        case.reference,
        case.complainant_name,
        *(f"{p.name} {p.membership_number}" for p in parties),
        *(f"{a.clause} {a.particulars}" for a in case.allegations.all()),
    )


def reindex(cases: Iterable[Case]) -> None:
    for case in cases:
        SearchTerm.objects.filter(case=case).delete()
        SearchTerm.objects.bulk_create(SearchTerm(case=case, term=t) for t in sorted(terms_of(case)))


def matching(query: str) -> Q:
    """Cases having every word of the query as the start of one of their words, or whose reference it is.

    A case's reference is among its indexed words, so the words alone find it; the reference is looked up on its own
    only when the query has no word worth searching. (Asking for "reference OR words" in one condition made
    PostgreSQL test every case in turn instead of starting from the few the index finds.)"""
    words = search_words(query)
    if not words:
        return Q(reference=query.strip().upper())
    every_word = Q()
    for word in words:
        hits = SearchTerm.objects.filter(term__gte=word[:MAX_TERM], term__lt=word[:MAX_TERM] + _TOP)
        every_word &= Q(pk__in=hits.values("case_id"))
    return every_word


def search(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    return cases.filter(matching(query))
