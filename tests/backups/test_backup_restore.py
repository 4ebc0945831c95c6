"""`fairhearing backup FILE` and `fairhearing restore FILE`, run as an operator runs them, on the engine of the test
run (SQLite, or a scratch PostgreSQL database when DATABASE_URL is PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import tarfile
from pathlib import Path

from fairhearing.backups import archive
from fairhearing.evidence.vault import Vault, decode_key
from tests.installation import ON_POSTGRESQL, SQLITE_FILE, Installation

HEAD = "SELECT size, root FROM audit_loghead WHERE id = 1"


def _state(site: Installation) -> dict:
    """What a user relies on being back after a restore."""
    size, root = site.rows(HEAD)[0]
    return {
        "cases": site.rows("SELECT reference, stage, respondent_id FROM cases_case ORDER BY reference"),
        "members": site.scalar("SELECT COUNT(*) FROM organisation_member"),
        "users": site.scalar("SELECT COUNT(*) FROM accounts_user"),
        "evidence_items": site.scalar("SELECT COUNT(*) FROM cases_evidenceitem"),
        "log": (size, bytes(root).hex()),
    }


def _keys(site: Installation) -> dict[str, bytes]:
    return {name: (site.data_dir / name).read_bytes() for name in archive.KEY_NAMES}


def _manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        return json.load(tar.extractfile(archive.MANIFEST))


def _not_database(files: dict[str, str]) -> dict[str, str]:
    """The data directory's files but SQLite's own (reading a WAL database may tidy its -wal and -shm files)."""
    return {name: digest for name, digest in files.items() if not name.startswith(SQLITE_FILE)}


def _tables(site: Installation) -> int:
    if site.database is None:
        return (
            site.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") if site.sqlite_file.exists() else 0
        )
    return site.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")


def _backup(site: Installation, path: Path, **env: str) -> str:
    done = site.run("backup", str(path), **env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_a_round_trip_brings_back_cases_evidence_keys_and_the_same_audit_log(demo, tmp_path):
    before = _state(demo)
    keys = _keys(demo)
    blob_name, sha256 = demo.rows("SELECT blob_name, sha256 FROM evidence_storedfile ORDER BY id")[0]
    assert before["cases"] and before["evidence_items"] and before["log"][0] > 100

    path = tmp_path / "backups" / "fairhearing.tar.gz"
    path.parent.mkdir()
    output = _backup(demo, path)
    print(output.splitlines()[0])  # the size and time, shown with -s

    assert "this file holds the keys (audit_signing_key, evidence_key, secret_key)" in output
    assert f"Audit log at the backup: {before['log'][0]} entries, root {before['log'][1]}." in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left beside it
    manifest = _manifest(path)
    assert manifest["database"]["engine"] == demo.engine
    assert (manifest["audit_log"]["size"], manifest["audit_log"]["root"]) == before["log"]
    assert manifest["database"]["migrations"] == sorted(
        f"{app}.{name}" for app, name in demo.rows("SELECT app, name FROM django_migrations")
    )
    with tarfile.open(path, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.name != archive.MANIFEST}
    assert {name: hashlib.sha256(data).hexdigest() for name, data in members.items()} == {
        name: entry["sha256"] for name, entry in manifest["files"].items()
    }
    assert {f"keys/{name}" for name in keys} <= members.keys()
    assert manifest["evidence"]["files"] == demo.scalar("SELECT COUNT(*) FROM evidence_storedfile")
    # The backup is on the log of the installation it copied, naming the file by its hash.
    recorded = demo.rows("SELECT data FROM audit_auditevent WHERE action = 'backup.created'")
    data = recorded[0][0] if isinstance(recorded[0][0], dict) else json.loads(recorded[0][0])
    assert data["archive_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()

    demo.wipe()
    restored = demo.run("restore", str(path))

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"audit log verifies: {before['log'][0]} entries, root {before['log'][1]}" in restored.stdout
    assert _state(demo) == before
    if ON_POSTGRESQL:  # a dump carries no planner statistics: the restore gathers them, or big tables plan as empty
        assert demo.scalar("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'audit_auditevent'") > 0
    assert _keys(demo) == keys
    evidence_key = decode_key((demo.data_dir / "evidence_key").read_text())
    opened = Vault(demo.data_dir / "evidence", evidence_key).get(blob_name)
    assert hashlib.sha256(opened).hexdigest() == sha256
    verified = demo.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"{before['log'][0]} entries, root {before['log'][1]}" in verified.stdout
    assert not list(demo.data_dir.glob(".fairhearing-restore-*"))


def _changed(site: Installation) -> None:
    """Make the installation differ from the demo it was copied from."""
    made = site.run("token", "create", "caseofficer", "--name", "after the copy")
    assert made.returncode == 0, made.stderr


def _flip_byte_in_evidence(path: Path, damaged: Path) -> str:
    """The same archive, manifest and all, but with one byte of one evidence file changed."""
    with tarfile.open(path, "r:gz") as source, tarfile.open(damaged, "w:gz") as out:
        target = None
        for member in source:
            data = source.extractfile(member).read()
            if target is None and member.name.startswith("evidence/"):
                target = member.name
                data = data[:10] + bytes([data[10] ^ 1]) + data[11:]
            out.addfile(member, io.BytesIO(data))
    assert target is not None
    return target


def test_a_damaged_archive_is_refused_and_changes_nothing(demo, installations, tmp_path):
    path = tmp_path / "backup.tar.gz"
    _backup(demo, path)
    site = installations.new(template=demo)
    _changed(site)
    state, files = _state(site), _not_database(site.files())

    flipped = tmp_path / "flipped.tar.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    flipped.write_bytes(bytes(data))
    refused = site.run("restore", str(flipped), "--force")
    assert refused.returncode == 1
    assert f"restore failed: {flipped} is damaged or is not a fairhearing backup" in refused.stderr
    assert "Nothing was restored." in refused.stderr

    repacked = tmp_path / "repacked.tar.gz"
    member = _flip_byte_in_evidence(path, repacked)
    refused = site.run("restore", str(repacked), "--force")
    assert refused.returncode == 1
    assert f"{member} does not match its SHA-256 in the manifest" in refused.stderr

    assert _state(site) == state
    assert _not_database(site.files()) == files
    assert site.scalar("SELECT COUNT(*) FROM api_apitoken") == 1


def test_restore_refuses_a_database_that_holds_data_unless_forced(demo, installations, tmp_path):
    path = tmp_path / "backup.tar.gz"
    _backup(demo, path)
    backed_up = _manifest(path)["audit_log"]
    site = installations.new(template=demo)
    _changed(site)
    state = _state(site)
    members = site.scalar("SELECT COUNT(*) FROM organisation_member")

    refused = site.run("restore", str(path))

    assert refused.returncode == 1
    assert f"the database already holds data ({members} members, {len(state['cases'])} cases" in refused.stderr
    assert "give --force to replace it. Nothing was restored." in refused.stderr
    assert _state(site) == state

    forced = site.run("restore", str(path), "--force")

    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert f"Replaced the database, which held {members} members" in forced.stdout
    assert _state(site)["log"] == (backed_up["size"], backed_up["root"])
    assert site.scalar("SELECT COUNT(*) FROM api_apitoken") == 0  # made after the backup: gone with the old data


def test_keys_set_in_the_environment_are_left_out_and_needed_to_restore(demo, tmp_path):
    key = (demo.data_dir / "evidence_key").read_text().strip()
    path = tmp_path / "backup.tar.gz"
    output = _backup(demo, path, FAIRHEARING_EVIDENCE_KEY=key)
    assert "Not included: FAIRHEARING_EVIDENCE_KEY" in output
    manifest = _manifest(path)
    assert manifest["keys"]["evidence_key"] == "environment"
    assert "keys/evidence_key" not in manifest["files"]

    demo.wipe()
    refused = demo.run("restore", str(path))
    assert refused.returncode == 1
    assert "the backup does not hold the evidence key (it was set by FAIRHEARING_EVIDENCE_KEY" in refused.stderr
    assert _tables(demo) == 0
    wrong = demo.run("restore", str(path), FAIRHEARING_EVIDENCE_KEY="A" * 43)
    assert wrong.returncode == 1
    assert "FAIRHEARING_EVIDENCE_KEY is set, to another key than the one this backup was made with" in wrong.stderr

    restored = demo.run("restore", str(path), FAIRHEARING_EVIDENCE_KEY=key)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Keys set in the environment, used instead of files: FAIRHEARING_EVIDENCE_KEY." in restored.stdout
    assert not (demo.data_dir / "evidence_key").exists()
    blob_name, sha256 = demo.rows("SELECT blob_name, sha256 FROM evidence_storedfile ORDER BY id")[0]
    opened = Vault(demo.data_dir / "evidence", decode_key(key)).get(blob_name)
    assert hashlib.sha256(opened).hexdigest() == sha256


def test_a_backup_from_an_older_schema_is_migrated_when_restored(installations, tmp_path):
    site = installations.new()
    partly = site.run("manage", "migrate", "audit")  # the audit log and what it needs, nothing else
    assert partly.returncode == 0, partly.stderr
    applied = site.scalar("SELECT COUNT(*) FROM django_migrations")
    path = tmp_path / "old.tar.gz"
    _backup(site, path)
    assert len(_manifest(path)["database"]["migrations"]) == applied

    site.wipe()
    restored = site.run("restore", str(path))

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "The backup was from an older version: applied" in restored.stdout
    assert site.scalar("SELECT COUNT(*) FROM django_migrations") > applied
    assert site.run("manage", "migrate", "--check").returncode == 0  # nothing left to apply
    assert site.run("audit", "verify").returncode == 0


def test_a_backup_of_the_other_engine_is_refused(installations, tmp_path):
    other = "sqlite" if ON_POSTGRESQL else "postgresql"
    site = installations.new()
    dump = tmp_path / "database"
    dump.write_bytes(b"not restored")
    path = tmp_path / "other.tar.gz"
    with archive.ArchiveWriter(path) as writer:
        writer.add_file(archive.DATABASE_MEMBERS[other], dump)
        writer.finish(
            {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "fairhearing_version": "0.1.0",
                "created_at": "2026-12-03T09:00:00Z",
                "database": {"engine": other, "migrations": []},
                "audit_log": {"size": 0, "root": hashlib.sha256(b"").hexdigest(), "checkpoints": 0, "verifier_key": ""},
                "evidence": {"files": 0, "key_id": "", "missing": []},
                "keys": {},
            }
        )

    refused = site.run("restore", str(path))

    assert refused.returncode == 1
    assert f"the backup is of a {other} database and this installation uses {site.engine}" in refused.stderr
    assert "restoring from one database engine into another is not supported" in refused.stderr


def test_a_failed_backup_leaves_no_file_and_keeps_an_older_one(installations, tmp_path):
    site = installations.new()
    path = tmp_path / "backup.tar.gz"
    path.write_text("last week's backup")
    if ON_POSTGRESQL:
        migrated = site.run("manage", "migrate")
        assert migrated.returncode == 0, migrated.stderr
        # No pg_dump on the PATH.
        failed = site.run("backup", str(path), PATH=str(tmp_path / "empty"))
        assert "pg_dump was not found on the PATH: install the PostgreSQL client programs" in failed.stderr
    else:
        # A database that was never migrated.
        failed = site.run("backup", str(path))
        assert f"the database at {site.sqlite_file} holds no fairhearing data (it was never migrated)" in failed.stderr
    assert failed.returncode == 1
    assert "No backup file was written." in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != site.data_dir.name) == ["backup.tar.gz"]
    assert path.read_text() == "last week's backup"


def test_an_older_backup_restored_over_an_upgraded_database_leaves_nothing_of_the_newer_tables(
    installations, demo, tmp_path
):
    """The usual way back after a failed upgrade: the installation is fully migrated and holds data, the backup is
    from before the upgrade. Every table the newer version added is gone, then made again by the migrations."""
    old = installations.new()
    assert old.run("manage", "migrate", "audit").returncode == 0
    path = tmp_path / "old.tar.gz"
    _backup(old, path)

    restored = demo.run("restore", str(path), "--force")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "The backup was from an older version: applied" in restored.stdout
    assert demo.scalar("SELECT COUNT(*) FROM cases_case") == 0  # the demo's cases went with the database
    assert demo.run("manage", "migrate", "--check").returncode == 0
    assert demo.run("audit", "verify").returncode == 0


def test_a_restore_that_fails_after_the_database_says_what_is_incomplete(demo, tmp_path):
    path = tmp_path / "backup.tar.gz"
    _backup(demo, path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the evidence folder should be")

    failed = demo.run("restore", str(path), "--force", FAIRHEARING_EVIDENCE_DIR=str(blocker / "evidence"))

    assert failed.returncode == 1
    assert "the database was restored, but then" in failed.stderr
    assert "run the restore again with --force" in failed.stderr
    assert "Traceback" not in failed.stderr
    again = demo.run("restore", str(path), "--force")
    assert again.returncode == 0, again.stdout + again.stderr
