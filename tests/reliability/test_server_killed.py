"""The server killed with SIGKILL (its whole process group: gunicorn's master and workers) while clients are opening
cases through the API: every case whose opening was answered is there, no case is half-written, the audit log
verifies, and the server starts again and serves."""

from __future__ import annotations

from tests.installation import ON_POSTGRESQL
from tests.reliability.server import (
    Burst,
    call,
    complaint,
    free_port,
    kill,
    opened_since,
    respondents,
    serve,
    unaudited_events,
    write_token,
)

ANSWERED_BEFORE_THE_KILL = 20


def test_a_server_killed_mid_burst_keeps_every_answered_write_and_no_half_written_case(demo, tmp_path):
    token, members = write_token(demo), respondents(demo)
    last_case = demo.scalar("SELECT MAX(id) FROM cases_case")
    log_size = demo.scalar("SELECT size FROM audit_loghead")
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        server = serve(demo, port, log)
        burst = Burst(port, token, members)
        try:
            burst.start()
            burst.wait_for(ANSWERED_BEFORE_THE_KILL)
        finally:
            burst.killed.set()
            kill(server)
            burst.stop()
    assert burst.refused == []
    assert len(burst.answered) >= ANSWERED_BEFORE_THE_KILL
    assert burst.in_flight_when_killed > 0, "no request was in flight when the server was killed"

    # Every confirmed case is there, and none is half-written: its allegation, its timeline (opened, routed), an
    # audit entry for each event, and no audit entry for a case that is not there.
    opened = opened_since(demo, last_case)
    print(  # shown with -s
        f"killed after {len(burst.answered)} confirmed openings with {burst.in_flight_when_killed} request(s) in "
        f"flight; {len(opened)} case(s) in the database"
    )
    assert set(burst.answered) <= opened.keys()
    assert set(opened.values()) == {(1, 2)}
    assert unaudited_events(demo, last_case) == 0
    orphans = demo.scalar(
        "SELECT COUNT(*) FROM audit_auditevent e WHERE e.\"index\" >= %s AND e.case_reference <> '' AND NOT EXISTS "
        "(SELECT 1 FROM cases_case c WHERE c.reference = e.case_reference)",
        [log_size],
    )
    assert orphans == 0
    if not ON_POSTGRESQL:
        assert demo.rows("PRAGMA integrity_check") == [("ok",)]
    verified = demo.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr

    # It starts again, serves what was confirmed, and takes new writes.
    port = free_port()
    with (tmp_path / "server-again.log").open("w") as log:
        server = serve(demo, port, log)
        try:
            status, case = call(port, token, "GET", f"/cases/{burst.answered[0]}")
            assert (status, case["reference"]) == (200, burst.answered[0])
            status, case = call(port, token, "POST", "/cases", complaint(members[0], -1))
            assert status == 201
        finally:
            kill(server)
    assert demo.run("audit", "verify").returncode == 0
