"""What encrypting evidence at rest costs: sealed write and read against a plain write and read of the same bytes.

Run: .venv/bin/python benchmarks/evidence_storage.py
Prints the median of several runs for each file size, and the ratio to the plain baseline measured in the same run
(the machines are shared, so only the ratio is comparable between runs).
"""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from fairhearing.evidence.sniffing import check_upload
from fairhearing.evidence.vault import Vault, decode_key, new_key_text

SIZES = [100_000, 1_000_000, 10_000_000, 25_000_000]
RUNS = 7


def _median(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="fairhearing-bench-"))
    vault = Vault(root / "vault", decode_key(new_key_text()))
    plain = root / "plain"
    plain.mkdir()
    print(
        f"{'size':>10}  {'plain write':>11}  {'sealed put':>10}  {'ratio':>5}  {'plain read':>10}  "
        f"{'sealed get':>10}  {'ratio':>5}  {'check':>8}"
    )
    for size in SIZES:
        # A PDF header so the upload check recognises it; the rest random, as compressed images are.
        data = b"%PDF-1.4\n" + secrets.token_bytes(size - 9)
        target = plain / f"{size}.bin"

        def write_plain(data=data, target=target) -> None:
            with open(target, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())

        names: list[str] = []
        plain_write = _median(write_plain)
        sealed_put = _median(lambda data=data, names=names: names.append(vault.put(data)))
        plain_read = _median(lambda target=target: target.read_bytes())
        sealed_get = _median(lambda names=names: vault.get(names[-1]))
        check = _median(lambda data=data: check_upload("x.pdf", data, max_bytes=10**9, allowed={"application/pdf"}))
        print(
            f"{size:>10,}  {plain_write * 1000:>9.1f}ms  {sealed_put * 1000:>8.1f}ms  "
            f"{sealed_put / plain_write:>5.2f}  "
            f"{plain_read * 1000:>8.1f}ms  {sealed_get * 1000:>8.1f}ms  {sealed_get / plain_read:>5.2f}  "
            f"{check * 1000:>6.1f}ms"
        )


if __name__ == "__main__":
    main()
