"""Generate the sample organisation that `make demo` and the test suite run Handoff on.

    python examples/sample_workspace.py OUT [--seed 7]

writes
    OUT/shop/        a git clone (branch main) of "shop", a small e-commerce product: Python
                     backend, TypeScript web client, SQL migrations, ADRs; 15 months of history
    OUT/roster.csv   the roster as HR exports it
    OUT/tickets/     GitHub, Jira and Linear exports of the same organisation's tickets

The cast, what is planted and why are in examples/README.md. The same seed gives the same
repository byte for byte (same shas); the seed only moves commit times within working hours.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sample.cast import roster_csv
from sample.exports import write_tickets
from sample.gitrepo import build_repository
from sample.planted import HOSTILE_TICKET, PLANTED_SECRETS
from sample.sources import build_history

DEMO_DATE = "2026-10-01"
DEFAULT_SEED = 7
REPOSITORY = "shop"
__all__ = ["DEMO_DATE", "DEFAULT_SEED", "HOSTILE_TICKET", "PLANTED_SECRETS", "generate"]


def generate(out: Path, seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Write the sample into `out`; returns the sha of every commit by its timeline key."""
    if (out / REPOSITORY).exists():
        raise FileExistsError(f"{out / REPOSITORY} already exists; remove it or choose another folder")
    out.mkdir(parents=True, exist_ok=True)
    shas = build_repository(out / REPOSITORY, build_history(seed))
    (out / "roster.csv").write_text(roster_csv(), encoding="utf-8")
    write_tickets(out / "tickets")
    return shas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write into (OUT/shop must not exist yet)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"commit times seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        shas = generate(args.out, args.seed)
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(shas)} commits in {REPOSITORY}/, roster.csv, tickets/ "
          f"({time.perf_counter() - started:.1f}s, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
