"""`fairhearing audit`: check the audit log, show its checkpoint and key, and give proofs anyone can check."""

from __future__ import annotations

import base64
import json

from django.core.management.base import BaseCommand, CommandError

from fairhearing.audit import proofs
from fairhearing.audit.checkpoints import latest_checkpoint, make_checkpoint, verifier_key
from fairhearing.audit.verify import LogBroken, verify_log


class Command(BaseCommand):
    help = "Verify the audit log, print its signed checkpoint or verifier key, or prove inclusion and consistency."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("verify", help="recompute the whole tree and check every checkpoint; exit 1 if anything fails")
        checkpoint = sub.add_parser("checkpoint", help="print the latest signed checkpoint")
        checkpoint.add_argument("--new", action="store_true", help="sign the log as it stands first")
        sub.add_parser("key", help="print the verifier key that checks the checkpoints")
        prove = sub.add_parser("prove", help="prove that an entry is in the log")
        prove.add_argument("--index", type=int, required=True)
        prove.add_argument("--size", type=int, default=None, help="the tree size to prove against (default: all)")
        prove.add_argument("--json", action="store_true", help="print JSON")
        consistency = sub.add_parser("consistency", help="prove that an older tree is a prefix of a newer one")
        consistency.add_argument("--old", type=int, required=True)
        consistency.add_argument("--new", type=int, default=None, help="the newer tree size (default: all)")
        consistency.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _verify(self, **options) -> None:
        try:
            result = verify_log()
        except LogBroken as broken:
            self.stderr.write(f"audit log does NOT verify: {broken}")
            raise SystemExit(1) from broken
        self.stdout.write(
            f"audit log verifies: {result.size} entries, root {result.root.hex()}, "
            f"{result.checkpoints} checkpoint(s) signed and consistent"
        )

    def _checkpoint(self, new: bool, **options) -> None:
        checkpoint = make_checkpoint() if new else latest_checkpoint()
        if checkpoint is None:
            raise CommandError("no checkpoint has been made yet: run `fairhearing audit checkpoint --new`")
        self.stdout.write(checkpoint.note, ending="")

    def _key(self, **options) -> None:
        self.stdout.write(verifier_key())

    def _prove(self, index: int, size: int | None, json: bool, **options) -> None:
        try:
            proof = proofs.inclusion(index, size)
        except proofs.ProofUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self._print(proof.as_json(), json)

    def _consistency(self, old: int, new: int | None, json: bool, **options) -> None:
        try:
            proof = proofs.consistency(old, new)
        except proofs.ProofUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self._print(proof.as_json(), json)

    def _print(self, data: dict, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, indent=2))
            return
        for key, value in data.items():
            if isinstance(value, list):
                self.stdout.write(f"{key}:")
                for item in value:
                    self.stdout.write(f"  {item}")
            else:
                self.stdout.write(f"{key}: {value}")
        if "root_hash" in data:
            self.stdout.write(f"root_hash (base64, as in a checkpoint): {_b64(data['root_hash'])}")


def _b64(hex_text: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_text)).decode()
