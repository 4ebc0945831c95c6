from __future__ import annotations

import pytest

from tests.outbox.smtp import SMTPServer, mailers

SITE = "https://discipline.example.org"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a loopback port, and the mailer pointed at it."""
    server = SMTPServer().start()
    settings.MAILERS = mailers(server.port)
    settings.DEFAULT_FROM_EMAIL = "Example Party <discipline@example.org>"
    settings.FAIRHEARING_SITE_URL = SITE
    yield server
    server.stop()


@pytest.fixture
def site(settings):
    settings.FAIRHEARING_SITE_URL = SITE
    return SITE
