"""An import killed with SIGKILL half-way through writing leaves nothing half-imported: the import is one
transaction, so the database holds exactly what it held before, stays consistent, its audit log verifies, and the
same file then imports completely."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.installation import ON_POSTGRESQL

ROWS = 200_000  # written in batches of 50,000: the kill comes after the first batch, with three to go
WRITING = "... 60% done"  # checking counts for 0-50%, writing for 50-100%: 60% is one batch written


def test_an_import_killed_mid_write_leaves_nothing_half_imported(demo, tmp_path):
    branches = [code for (code,) in demo.rows("SELECT code FROM organisation_branch ORDER BY code")]
    path = tmp_path / "members.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("membership_number,name,branch,joined,email\n")
        for n in range(ROWS):
            out.write(f"K{n:07d},Member {n},{branches[n % len(branches)]},2020-01-01,m{n}@example.org\n")
    members = demo.scalar("SELECT COUNT(*) FROM organisation_member")
    log_size = demo.scalar("SELECT size FROM audit_loghead")

    running = demo.popen("import", "members", str(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in running.stdout:
        seen.append(line.rstrip())
        if line.startswith(WRITING):
            os.kill(running.pid, signal.SIGKILL)
            break
    running.stdout.close()
    returncode = running.wait(timeout=60)
    assert returncode == -signal.SIGKILL, f"the import was not killed mid-way (exit {returncode}): {seen}"

    # Nothing of the killed import is there: not one member, nor its audit entry.
    assert demo.scalar("SELECT COUNT(*) FROM organisation_member") == members
    assert demo.scalar("SELECT COUNT(*) FROM organisation_member WHERE membership_number LIKE 'K%'") == 0
    assert demo.scalar("SELECT size FROM audit_loghead") == log_size
    assert demo.scalar("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'members.imported'") == 0
    if not ON_POSTGRESQL:
        assert demo.rows("PRAGMA integrity_check") == [("ok",)]
        assert demo.rows("PRAGMA foreign_key_check") == []
    verified = demo.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr

    started = time.monotonic()
    again = demo.run("import", "members", str(path))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Imported {ROWS} row(s) of members: {ROWS} created" in again.stdout
    assert demo.scalar("SELECT COUNT(*) FROM organisation_member") == members + ROWS
    assert demo.scalar("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'members.imported'") == 1
    assert demo.run("audit", "verify").returncode == 0
    print(f"import of {ROWS} members: {time.monotonic() - started:.1f} s")  # shown with -s
