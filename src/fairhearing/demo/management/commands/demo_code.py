"""`fairhearing demo-code USERNAME`: the code a demo staff account's authenticator app would show now.

It stands in for the phone that a real person would have. So it works only on a database the demo built: on a real
organisation's it would let anyone at the server's command line skip the second factor.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from fairhearing.accounts.models import User
from fairhearing.accounts.two_factor import confirmed_device, current_code, needs_two_factor
from fairhearing.demo.models import DemoBuild


def _is_demo() -> bool:
    try:
        return DemoBuild.objects.exists()
    except DatabaseError:  # no tables yet: nothing has been built here at all
        return False


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo staff account (only on a database built by `fairhearing demo`)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="a staff log-in printed by `fairhearing demo`, e.g. caseofficer")

    def handle(self, *args, **options):
        if not _is_demo():
            raise CommandError(
                "this database was not built by `fairhearing demo`: codes come from each person's own "
                "authenticator app, and this command will not show them",
                returncode=2,
            )
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no demo account with the username {username!r}", returncode=2)
        device = confirmed_device(user)
        if device is None:
            if not needs_two_factor(user):
                raise CommandError(f"{username} is a member account: it signs in without a code", returncode=2)
            raise CommandError(
                f"{username} has no authenticator app set up yet: sign in and follow the set-up page", returncode=2
            )
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(current_code(device))
        self.stderr.write(f"(changes in {left} seconds; each code works once)")
