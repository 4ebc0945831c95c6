"""`fairhearing backup` taken while the server is opening cases: the copy is of one moment, so the restored
installation has every case confirmed before the backup began, no half-written case, and the audit log the
backup's manifest recorded."""

from __future__ import annotations

import json
import tarfile

from tests.reliability.server import (
    Burst,
    free_port,
    kill,
    opened_since,
    respondents,
    serve,
    unaudited_events,
    write_token,
)


def test_a_backup_taken_while_the_server_writes_restores_consistent(demo, installations, tmp_path):
    token, members = write_token(demo), respondents(demo)
    last_case = demo.scalar("SELECT MAX(id) FROM cases_case")
    path = tmp_path / "backup.tar.gz"
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        server = serve(demo, port, log)
        burst = Burst(port, token, members)
        try:
            burst.start()
            burst.wait_for(5)
            confirmed_before = list(burst.answered)
            backed_up = demo.run("backup", str(path))
            written_meanwhile = len(burst.answered) - len(confirmed_before)
        finally:
            burst.stop()
            kill(server)
    assert backed_up.returncode == 0, backed_up.stderr
    assert burst.refused == []
    assert written_meanwhile > 0, "the server wrote nothing while the backup was taken"
    with tarfile.open(path, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))

    site = installations.new()
    restored = site.run("restore", str(path))

    assert restored.returncode == 0, restored.stdout + restored.stderr
    log = manifest["audit_log"]
    assert f"audit log verifies: {log['size']} entries, root {log['root']}" in restored.stdout
    opened = opened_since(site, last_case)
    print(f"{len(opened)} case(s) in the backup; {written_meanwhile} confirmed while it ran")  # shown with -s
    assert set(confirmed_before) <= opened.keys()
    assert set(opened.values()) == {(1, 2)}
    assert unaudited_events(site, last_case) == 0
    assert site.run("audit", "verify").returncode == 0
