"""Ownership benchmark: `handoff ingest` against git-fame on one repository.

    .venv/bin/python benchmarks/ownership.py [REPO] [--blame-loop]

Without REPO it runs on the synthetic repository of `synthetic_repo.py`, built once into
`.bench/`. Everything runs on a scratch clone, so REPO is never written to. In one run:

- `handoff ingest --facts-only` (history and ownership; the search index has its own suites),
  cold: a fresh workspace, wall and CPU time, peak RSS of its process tree;
- git-fame on the same HEAD with the same blame options (`-w`, `.git-blame-ignore-revs`),
  leaving out the files Handoff leaves out (vendored, generated, binary);
- with `--blame-loop`, a single-process `git blame --line-porcelain -w` loop over the same files:
  what one core costs (as long as git-fame on two cores, so not run by default);
- the same ingest, warm: after one new commit that touches one file.

Surviving lines per email must agree exactly between `handoff ownership --json` and git-fame;
bots are counted on both sides (HANDOFF_INCLUDE_BOTS) and emails compared lowercased, as Handoff
keys unrostered people. A missed target is reported, not raised: the benchmark exits 0 when it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil
import synthetic_repo

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"
BIN = Path(sys.executable).parent
IGNORE_REVS = ".git-blame-ignore-revs"
COLD_VS_FAME = 0.5  # target: a cold ingest in at most half git-fame's time
WARM_VS_COLD = 0.05  # target: a one-commit re-ingest in at most 5% of a cold one
POLL_SECONDS = 0.02
TOP_DIFFERENCES = 10
INGEST_STAGES = re.compile(r"(history|blame|write) ([0-9.]+)s")


@dataclass
class Run:
    seconds: float  # wall time
    cpu: float  # user + system seconds of the process and its children: steadier on a busy machine
    peak_rss: int  # bytes, summed over the process and its children
    stdout: str = ""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(cmd: list[str], env: dict | None = None) -> Run:
    """Run `cmd` to the end, polling its process tree's RSS; fail loudly if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started, cpu = time.perf_counter(), children_cpu()
        proc = psutil.Popen(cmd, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc))
            time.sleep(POLL_SECONDS)
        seconds, cpu = time.perf_counter() - started, children_cpu() - cpu
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode(errors='replace')}")
        return Run(seconds, cpu, peak, out.read().decode(errors="replace"))


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory of `proc` and all its descendants; processes that end meanwhile count 0."""
    total = 0
    try:
        family = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in family:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def git(repo: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}).stdout


class Handoff:
    """The `handoff` CLI on one workspace, counting bots so lines compare with git-fame's."""

    ENV = {"HANDOFF_INCLUDE_BOTS": "true"}

    def __init__(self, home: Path):
        self.base = [str(BIN / "handoff"), "--home", str(home)]

    def init(self) -> None:
        measure([*self.base, "init"], self.ENV)

    def ingest(self, repo: Path) -> Run:
        return measure([*self.base, "ingest", "--facts-only", str(repo)], self.ENV)

    def ownership(self) -> dict:
        return json.loads(measure([*self.base, "ownership", "--json"], self.ENV).stdout)


def handoff_lines(report: dict) -> Counter:
    """Surviving lines per owner (a lowercased email for people the roster does not know)."""
    lines = Counter()
    for owned in report["files"]:
        for owner in owned["owners"]:
            lines[owner["person"]] += owner["lines"]
    return lines


def git_fame(repo: Path, excluded: list[str]) -> tuple[Run, Counter]:
    """git-fame with Handoff's blame options, leaving out the files Handoff leaves out."""
    cmd = [sys.executable, "-m", "gitfame", "--loc=surviving", "-w", "--show=email", "--format=json",
           "--silent-progress"]
    if (repo / IGNORE_REVS).is_file():
        cmd += ["--ignore-revs-file", IGNORE_REVS]
    if excluded:
        cmd += ["--excl", "^(?:" + "|".join(re.escape(path) for path in excluded) + ")$"]
    run = measure([*cmd, str(repo)])
    lines = Counter()
    for author, loc, *_ in json.loads(run.stdout)["data"]:
        lines[author.lower()] += loc
    return run, +lines


def blame_loop(repo: Path, paths: list[str]) -> Run:
    """Plain `git blame --line-porcelain -w`, one file after another in one process at a time."""
    flags = ["--ignore-revs-file", IGNORE_REVS] if (repo / IGNORE_REVS).is_file() else []
    started, cpu = time.perf_counter(), children_cpu()
    for path in paths:
        subprocess.run(["git", "-C", str(repo), "blame", "--line-porcelain", "-w", *flags, "HEAD", "--", path],
                       check=True, capture_output=True)
    return Run(time.perf_counter() - started, children_cpu() - cpu, 0)


def touch_one_file(repo: Path, path: str) -> None:
    """One new commit that appends a line to `path`: the everyday case a warm ingest must be quick at."""
    target = repo / path
    content = target.read_bytes()
    target.write_bytes(content + (b"" if content.endswith(b"\n") or not content else b"\n")
                       + b"one more line for the warm ingest\n")
    who = {"GIT_AUTHOR_NAME": "Bench Mark", "GIT_AUTHOR_EMAIL": "bench@handoff.example",
           "GIT_COMMITTER_NAME": "Bench Mark", "GIT_COMMITTER_EMAIL": "bench@handoff.example"}
    git(repo, "commit", "-q", "-a", "-m", "Warm ingest: one more line", env=who)


@dataclass
class Results:
    name: str
    commits: int
    report: dict
    cold: Run
    warm: Run
    fame: Run
    loop: Run | None
    handoff: Counter
    git_fame: Counter


def run_benchmark(source: Path, with_loop: bool) -> Results:
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
        handoff = Handoff(Path(tmp) / "workspace")
        handoff.init()
        cold = handoff.ingest(clone)
        report = handoff.ownership()
        fame, fame_lines = git_fame(clone, [e["path"] for e in report["excluded"]])
        loop = blame_loop(clone, [f["path"] for f in report["files"]]) if with_loop else None
        touch_one_file(clone, max(report["files"], key=lambda f: f["lines"])["path"])
        warm = handoff.ingest(clone)
        commits = int(git(clone, "rev-list", "--count", "HEAD")) - 1
    return Results(source.name, commits, report, cold, warm, fame, loop, handoff_lines(report), fame_lines)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def stages(run: Run) -> str:
    return ", ".join(f"{stage} {float(seconds):.1f}s" for stage, seconds in INGEST_STAGES.findall(run.stdout))


def print_results(r: Results) -> None:
    owned = r.report["files"]
    reasons = Counter(e["reason"] for e in r.report["excluded"])
    left_out = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common()) or "none"
    print(f"\nownership benchmark: {r.name}, {r.commits:,} commits, {len(owned):,} files owned "
          f"({sum(f['lines'] for f in owned):,} lines), left out: {left_out}\n")
    print_timings(r)
    print()
    print_verdicts(r)
    if r.handoff != r.git_fame:
        print_differences(r.handoff, r.git_fame)


def print_timings(r: Results) -> None:
    runs = [("handoff ingest, cold", r.cold, stages(r.cold)),
            ("handoff ingest, warm (1 commit)", r.warm, stages(r.warm)),
            ("git-fame", r.fame, "")]
    if r.loop:
        runs.append(("git blame loop, 1 process", r.loop, ""))
    print(f"  {'':<32} {'wall s':>9} {'cpu s':>9}")
    for label, run, note in runs:
        print(f"  {label:<32} {run.seconds:>9.2f} {run.cpu:>9.2f}   {note}")


def print_verdicts(r: Results) -> None:
    """The targets on wall time, with the CPU-time ratio beside: it moves less when the machine is busy."""
    cold, warm = r.cold.seconds / r.fame.seconds, r.warm.seconds / r.cold.seconds
    identical = r.handoff == r.git_fame
    rows = [
        ("cold / git-fame", f"{cold:.2f}", f"cpu {r.cold.cpu / r.fame.cpu:.2f}", f"<= {COLD_VS_FAME}",
         cold <= COLD_VS_FAME),
        ("warm / cold", f"{warm:.3f}", f"cpu {r.warm.cpu / r.cold.cpu:.3f}", f"<= {WARM_VS_COLD}",
         warm <= WARM_VS_COLD),
        ("lines per email identical", "yes" if identical else "no", "", "yes", identical),
    ]
    print(f"  {'':<32} {'value':>9} {'':>9}   {'target':<8}")
    for label, value, beside, target, ok in rows:
        print(f"  {label:<32} {value:>9} {beside:>9}   {target:<8} {verdict(ok)}")
    print(f"  {'peak RSS, cold ingest tree':<32} {r.cold.peak_rss / 2**20:>5.0f} MiB"
          f"   (git-fame {r.fame.peak_rss / 2**20:.0f} MiB)")


def print_differences(handoff: Counter, fame: Counter) -> None:
    emails = set(handoff) | set(fame)
    gaps = sorted(emails, key=lambda e: (-abs(handoff[e] - fame[e]), e))
    gaps = [e for e in gaps if handoff[e] != fame[e]]
    print(f"\n  {len(gaps)} of {len(emails)} emails differ (totals: handoff {sum(handoff.values()):,}, "
          f"git-fame {sum(fame.values()):,}); largest differences:")
    print(f"  {'email':<56} {'handoff':>9} {'git-fame':>9} {'diff':>8}")
    for email in gaps[:TOP_DIFFERENCES]:
        print(f"  {email:<56} {handoff[email]:>9,} {fame[email]:>9,} {handoff[email] - fame[email]:>+8,}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", help="a git repository (default: the synthetic one, cached in .bench/)")
    parser.add_argument("--blame-loop", action="store_true", help="also time a single-process git blame loop")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.repo:
        source = Path(args.repo).resolve()
    else:
        started = time.perf_counter()
        source = synthetic_repo.ensure(BENCH_DIR)
        print(f"synthetic repository ready in {time.perf_counter() - started:.1f} s: {source}")
    print_results(run_benchmark(source, with_loop=args.blame_loop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
