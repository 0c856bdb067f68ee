"""Report benchmark: `handoff report` cold and with its trend cached, next to `handoff ownership`.

    .venv/bin/python benchmarks/report.py [REPO] [--small]

Without REPO it runs on the ownership benchmark's synthetic repository (`synthetic_repo.py`,
cached in `.bench/`); `--small` builds a fifth of it instead (4,000 commits, 500 files, cached
in `.bench/report-small/`), for machines where the full one takes too long. Everything runs on a
scratch clone in a fresh workspace:

- `handoff ingest --facts-only` (not part of the comparison, printed for scale);
- a roster written from the history: authors at the contractor domains are contractors, those
  who stopped committing two months before the as-of date have left, the others leave within
  the horizon; everyone else is an employee. The as-of date is the day after HEAD's commit;
- `handoff ownership --json`: the baseline, facts to figures with no git;
- `handoff report --format html`, cold: it samples ownership at 12 month-ends, blaming every
  blob it has not blamed before (blobs as at HEAD reuse the ingest's blame);
- the same report again: every sample is cached, so it costs about what the figures cost.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import synthetic_repo
from ownership import BENCH_DIR, BIN, Run, git, measure

CONTRACTOR_DOMAINS = ("acme-consulting.example", "devshop.example")
GONE_AFTER_DAYS = 60  # a contractor silent this long before the as-of date has left
LEAVING_IN_DAYS = 45  # the others leave this many days after it
SMALL = synthetic_repo.Params(commits=4_000, files=500, initial_files=120)


def as_of_for(repo: Path) -> date:
    stamp = int(git(repo, "log", "-1", "--format=%ct").strip())
    return datetime.fromtimestamp(stamp, UTC).date() + timedelta(days=1)


def write_roster(repo: Path, as_of: date, target: Path) -> Path:
    """One roster row per author email (bots aside), contractors by domain, end dates from activity."""
    last: dict[str, tuple[str, date]] = {}
    for line in git(repo, "log", "--format=%aN%x00%aE%x00%cs").splitlines():
        name, email, day = line.split("\x00")
        if "[bot]" not in email and email.lower() not in last:
            last[email.lower()] = (name, date.fromisoformat(day))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "emails", "kind", "vendor", "team", "start", "end"])
        for email, (name, day) in sorted(last.items()):
            domain = email.rsplit("@", 1)[-1]
            contractor = domain in CONTRACTOR_DOMAINS
            end = "" if not contractor else (
                day + timedelta(days=7) if day < as_of - timedelta(days=GONE_AFTER_DAYS)
                else as_of + timedelta(days=LEAVING_IN_DAYS))
            writer.writerow([email, name, email, "contractor" if contractor else "employee",
                             domain if contractor else "", "", "2018-01-01", str(end)])
    return target


class Handoff:
    def __init__(self, home: Path):
        self.base = [str(BIN / "handoff"), "--home", str(home)]

    def run(self, *args: str) -> Run:
        return measure([*self.base, *args])


def run_benchmark(source: Path) -> dict[str, Run]:
    with tempfile.TemporaryDirectory(prefix="handoff-report-bench-") as tmp:
        clone = Path(tmp) / source.name.removesuffix(".git")
        subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
        as_of = as_of_for(clone)
        handoff = Handoff(Path(tmp) / "workspace")
        handoff.run("init")
        handoff.run("roster", "load", str(write_roster(clone, as_of, Path(tmp) / "roster.csv")))
        runs = {"ingest --facts-only": handoff.run("ingest", str(clone), "--facts-only")}
        runs["ownership --json"] = handoff.run("ownership", "--json", "--as-of", str(as_of))
        report = ["report", "--as-of", str(as_of), "-o", str(Path(tmp) / "report.html")]
        runs["report, cold"] = handoff.run(*report)
        runs["report, trend cached"] = handoff.run(*report)
    return runs


def print_results(name: str, commits: int, runs: dict[str, Run]) -> None:
    baseline = runs["ownership --json"].seconds
    print(f"\nreport benchmark: {name}, {commits:,} commits")
    for label, run in runs.items():
        ratio = "" if label.startswith("ingest") else f"{run.seconds / baseline:6.1f} x ownership"
        print(f"  handoff {label:<24} {run.seconds:9.2f} s   {ratio:<18} peak RSS {run.peak_rss / 2**20:5.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", help="a git repository (default: the synthetic one)")
    parser.add_argument("--small", action="store_true", help="a synthetic repository a fifth of the default size")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.repo:
        source = Path(args.repo).resolve()
    else:
        source = synthetic_repo.ensure(BENCH_DIR / "report-small" if args.small else BENCH_DIR,
                                       SMALL if args.small else synthetic_repo.Params())
        print(f"synthetic repository ready in {time.perf_counter() - started:.1f} s: {source}")
    runs = run_benchmark(source)
    print_results(source.name, int(git(source, "rev-list", "--count", "HEAD")), runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
