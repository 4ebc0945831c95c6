"""The `fairhearing` command.

Each subcommand is a Django management command, so `fairhearing demo` and `fairhearing manage demo` are the same
thing, share one argument parser, and can be called from tests with `call_command`.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "demo": "build the demo organisation and serve it on 127.0.0.1:8000",
    "serve": "serve fairhearing with a production web server",
    "rulebook": "check or load rulebook files (rulebook check FILE..., rulebook load FILE)",
    "tick": "apply the time limits that have run out (run it daily, or more often)",
    "worker": "send the case emails in the outbox, retrying failures, until stopped (--once: send what is due)",
    "sar": "answer a subject access request: write a member's data as a zip (sar MEMBERSHIP_NUMBER)",
    "retention": "erase or anonymise what is past its retention period (run it daily; --dry-run lists it)",
    "bundle": "write the evidence bundle served with a case's notice (bundle REFERENCE [--output PATH] [--html])",
    "audit": "check the audit log and prove entries (audit verify|checkpoint|key|prove|consistency)",
    "demo-code": "print the sign-in code of a demo staff account (demo-code USERNAME; demo databases only)",
    "reset-two-factor": "remove a user's authenticator app, for a lost phone (reset-two-factor USERNAME)",
    "token": "make, list and revoke personal API tokens (token create USERNAME --name NAME, list, revoke)",
    "import": "import members, regions and branches, or past cases from CSV/XLSX (import members|units|cases FILE)",
    "analyse": "analyse decisions for consistency and fairness, store the run, flag outliers (--json, --out DIR)",
    "report": "publish the transparency report for a period and write its files (report --period 2026Q3 --out DIR)",
    "precedents": "the decided cases most like one case and how they were decided (precedents REFERENCE)",
    "openapi": "print the API's OpenAPI document (--output FILE writes it, --check FILE compares)",
    "backup": "back up the database, evidence files and keys into one archive (backup FILE; it holds the keys)",
    "restore": "restore a backup made by `backup` and verify the audit log (restore FILE [--force])",
    "manage": "run any Django management command (migrate, createsuperuser, ...)",
}


def usage() -> str:
    lines = ["usage: fairhearing COMMAND [options]", "", "commands:"]
    width = max(map(len, COMMANDS))
    lines += [f"  {name:<{width}} {text}" for name, text in COMMANDS.items()]
    lines += ["", "Run `fairhearing COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    if argv[0] in {"--version", "version"}:
        from fairhearing import __version__

        print(f"fairhearing {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    if command == "rulebook" and rest[:1] == ["check"] and len(rest) > 1 and not rest[1].startswith("-"):
        return _check_rulebooks(rest[1:])
    if command == "manage":
        if not rest:
            rest = ["help"]
        command, rest = rest[0], rest[1:]
    elif command not in COMMANDS:
        print(f"fairhearing: unknown command {command!r}\n\n{usage()}", file=sys.stderr)
        return 2

    # Subcommands are spelt with hyphens; the Django commands behind them are Python modules, with underscores.
    command = command.replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairhearing.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["fairhearing", command, *rest])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except ImproperlyConfigured as exc:
        # A bad setting in the environment: say which, without a traceback.
        print(f"fairhearing: {exc}", file=sys.stderr)
        return 2
    return 0


def _check_rulebooks(files: list[str]) -> int:
    """Checking files needs no database, settings or data directory, so it runs without Django."""
    from fairhearing.rulebook_files import check_files, problem_count

    summaries, problems = check_files(files)
    if problems:
        print("\n".join([*problems, problem_count(problems)]), file=sys.stderr)
        return 2
    print("\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
