from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fairhearing.accounts.models import User
from fairhearing.accounts.two_factor import needs_two_factor, reset_two_factor

ADMIN_LABEL = "an administrator at the command line"


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app (a lost or replaced phone). At their next sign-in they set up a new one. "
        "Check who is asking first: this lets whoever knows the password choose the new app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no account with the username {options['username']!r}", returncode=2)
        removed = reset_two_factor(user, label=ADMIN_LABEL)
        if not needs_two_factor(user):
            self.stdout.write(f"{user.username} holds no staff role and is not asked for a code.")
        self.stdout.write(
            f"Removed {removed} authenticator app(s) from {user.username}; "
            "they will set up a new one at their next sign-in."
        )
