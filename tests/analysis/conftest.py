import pytest

from fairhearing.analysis.precedent_lookup import forget_index


@pytest.fixture(autouse=True)
def fresh_precedent_index():
    # Each test rolls its database back, so ids repeat between tests and the cache's key could match a dropped index.
    forget_index()
    yield
    forget_index()
