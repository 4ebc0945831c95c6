"""`fairhearing token create|list|revoke`: personal API tokens for an administrator at the command line.

For setting up another system's access, or cutting it off at once, without a browser. Each change goes through
the same services as the web page (fairhearing.api.tokens) and is on the audit log, labelled as the command line.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.api.models import ApiToken, TokenScope
from fairhearing.api.tokens import DEFAULT_DAYS, MAX_DAYS, TokenRequestInvalid, issue_token, revoke_token

ADMIN_LABEL = "an administrator at the command line"
_FLAGS = {"name": "--name", "scope": "--scope", "days": "--days", "user": "USERNAME"}


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no account with the username {username!r}", returncode=2)
    return user


def _state(token: ApiToken, now) -> str:
    if token.revoked_at is not None:
        return f"revoked {timezone.localtime(token.revoked_at):%Y-%m-%d}"
    return "live" if token.is_live(now) else "expired"


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "never"


class Command(BaseCommand):
    help = "Make, list and revoke personal API tokens (a token acts as its user, with that user's roles)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="make a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what the token is for, e.g. 'CRM sync'")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ, help="default: read")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"1 to {MAX_DAYS} (default: {DEFAULT_DAYS})")
        listing = actions.add_parser("list", help="list a user's tokens (never the tokens themselves)")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token at once, by the id `token list` shows")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, **options) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options) -> None:
        user = _user(options["username"])
        try:
            issued = issue_token(
                user, name=options["name"], scope=options["scope"], days=options["days"], label=ADMIN_LABEL
            )
        except TokenRequestInvalid as invalid:
            raise CommandError(f"{_FLAGS.get(invalid.field, invalid.field)}: {invalid.message}", returncode=2) from None
        token = issued.token
        self.stdout.write(issued.secret)
        # The secret alone on stdout, so `$(fairhearing token create ...)` captures it; the rest is for the reader.
        self.stderr.write(
            f"Token {token.pk} (fh_{token.prefix}…, {token.scope}) made for {user.username}, expiring "
            f"{_when(token.expires_at)}. It is shown only this once: store it now."
        )

    def _list(self, options) -> None:
        user = _user(options["username"])
        tokens = list(ApiToken.objects.filter(user=user))
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
            return
        now = timezone.now()
        rows = [("ID", "NAME", "TOKEN", "SCOPE", "MADE", "EXPIRES", "LAST USED", "STATE")]
        rows += [
            (
                str(t.pk),
                t.name,
                f"fh_{t.prefix}…",
                t.scope,
                _when(t.created_at),
                _when(t.expires_at),
                _when(t.last_used_at),
                _state(t, now),
            )
            for t in tokens
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())

    def _revoke(self, options) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["token_id"]).first()
        if token is None:
            raise CommandError(f"no API token with the id {options['token_id']}", returncode=2)
        if revoke_token(token, actor=None, label=ADMIN_LABEL):
            self.stdout.write(f"Revoked token {token.pk} (fh_{token.prefix}…) of {token.user.username}.")
        else:
            self.stdout.write(f"Token {token.pk} (fh_{token.prefix}…) of {token.user.username} was already revoked.")
