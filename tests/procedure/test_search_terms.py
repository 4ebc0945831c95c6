"""How cases are indexed for search and how a search is split: accents, case, punctuation and common words."""

from fairhearing.procedure.search_terms import index_terms, search_words


def test_names_are_found_whatever_the_accents_case_and_apostrophes():
    terms = index_terms("Zoë O'Brien", "FH-2026-00042")
    assert {"zoe", "obrien", "fh", "2026", "00042"} <= terms
    assert search_words("ZOE o\u2019brien") == ["obrien", "zoe"]


def test_common_and_one_letter_words_do_not_narrow_a_search():
    assert "the" not in index_terms("The messages to the branch")
    assert search_words("a b the messages") == ["messages"]
    assert search_words("   ") == []
