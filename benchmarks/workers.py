"""Workers benchmark: one repository ingested by 1 and by 2 Celery workers, against the embedded ingest.

    .venv/bin/python benchmarks/workers.py [REPO] [--workers 1 2] [--index]

Without REPO it runs on the ownership benchmark's synthetic repository (`synthetic_repo.py`,
cached in `.bench/`), from a scratch clone. The servers run on loopback as the tests start them
(`tests/servers.py`): redis-server, PostgreSQL and `chroma run`, in temporary folders. In one run:

- the embedded `handoff ingest` (SQLite, in one process), the baseline;
- for each worker count N: a fresh workspace with its own databases, N `handoff worker`
  processes started and ready, then one ingest job submitted as the API submits it; its wall
  time runs from submission to success, its CPU time is the workers' (with their git children).

Jobs are facts only by default, as in the ownership benchmark: history and blame, which the
blame batches spread over the workers. `--index` adds the content buckets (embedding, by far the
slowest stage). Per-worker throughput is the files ingested per second divided by N: a
cluster of W workers, each on its own cores, ingests about W times that, as long as one job has
more blame batches and content buckets than workers. On one machine the workers share its
cores, so read the speed-up against the CPU time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import synthetic_repo
from ownership import BENCH_DIR, BIN, Run, measure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' server fixtures, reused as plain context managers

from handoff.core.workspace import Workspace  # noqa: E402
from handoff.ingest.jobs.plan import IngestPlan  # noqa: E402
from handoff.ingest.jobs.runner import JobRunner  # noqa: E402
from handoff.ingest.jobs.store import FINISHED, JobStore  # noqa: E402
from tests.servers import chroma_server, on_servers, postgres_server, redis_server, stop  # noqa: E402

READY_SECONDS = 120
JOB_SECONDS = 7200


@dataclass
class Servers:
    redis: str
    postgres: object
    chroma: object


@dataclass
class WorkerRun:
    workers: int
    seconds: float
    cpu: float
    result: dict


def embedded(repo: Path, home: Path, index: bool) -> Run:
    handoff = [str(BIN / "handoff"), "--home", str(home)]
    measure([*handoff, "init"])
    return measure([*handoff, "ingest", *([] if index else ["--facts-only"]), str(repo)])


def distributed(repo: Path, home: Path, count: int, servers: Servers, index: bool) -> WorkerRun:
    """One job run by `count` workers on a new workspace, timed from submission to success."""
    ws, _ = Workspace.init(on_servers(home, servers.postgres, servers.chroma, servers.redis))
    workers = [start_worker(home, n) for n in range(count)]
    try:
        before = sum(cpu(w) for w in workers)
        started = time.perf_counter()
        job_id = JobRunner(ws).submit(IngestPlan(sources=[(str(repo), None)], index=index), {}).id
        job = finished(JobStore(ws.store), job_id)
        seconds, used = time.perf_counter() - started, sum(cpu(w) for w in workers) - before
    finally:
        for worker in workers:
            stop(worker)
    if job.state != "succeeded":
        raise SystemExit(f"the job with {count} worker(s) {job.state}: {job.errors}; see {home}/worker-*.log")
    return WorkerRun(count, seconds, used, job.result)


def start_worker(home: Path, n: int) -> psutil.Popen:
    log = home / f"worker-{n}.log"
    with open(log, "wb") as out:
        worker = psutil.Popen([str(BIN / "handoff"), "--home", str(home), "worker"], stdout=out,
                              stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + READY_SECONDS
    while b" ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker {n} did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    return worker


def cpu(process: psutil.Process) -> float:
    """User and system seconds of the worker and of the git processes it has waited for."""
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def finished(jobs: JobStore, job_id: str):
    deadline = time.monotonic() + JOB_SECONDS
    while (job := jobs.get(job_id)).state not in FINISHED and time.monotonic() < deadline:
        time.sleep(0.2)
    return job


def run_benchmark(source: Path, counts: list[int], index: bool) -> tuple[Run, list[WorkerRun], dict]:
    with tempfile.TemporaryDirectory(prefix="handoff-workers-") as tmp, redis_server() as redis, \
            postgres_server() as postgres, chroma_server() as chroma:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
        servers = Servers(redis, postgres, chroma)
        baseline = embedded(clone, Path(tmp) / "embedded", index)
        runs = [distributed(clone, Path(tmp) / f"workers-{n}", n, servers, index) for n in counts]
        commits = int(subprocess.run(["git", "-C", str(clone), "rev-list", "--count", "HEAD"], check=True,
                                     capture_output=True, text=True).stdout)
    return baseline, runs, {"name": source.name, "commits": commits}


def print_results(baseline: Run, runs: list[WorkerRun], about: dict, index: bool) -> None:
    facts = runs[0].result["sources"][0]["facts"]
    files, lines = facts["files"], facts["lines"]
    print(f"\nworkers benchmark: {about['name']}, {about['commits']:,} commits, {files:,} files owned "
          f"({lines:,} lines), {'facts and index' if index else 'facts only'}\n")
    print(f"  {'':<26} {'wall s':>8} {'cpu s':>8} {'speed-up':>9} {'files/s':>8} {'per worker':>11}   stages (s)")
    print(f"  {'embedded handoff ingest':<26} {baseline.seconds:>8.1f} {baseline.cpu:>8.1f} {'':>9} "
          f"{files / baseline.seconds:>8.1f}")
    one = next((r.seconds for r in runs if r.workers == 1), runs[0].seconds)
    for r in runs:
        rate = files / r.seconds
        print(f"  {f'{r.workers} worker(s)':<26} {r.seconds:>8.1f} {r.cpu:>8.1f} {one / r.seconds:>8.2f}x "
              f"{rate:>8.1f} {rate / r.workers:>11.1f}   {stage_times(r.result)}")


def stage_times(result: dict) -> str:
    """History, blame (summed over its batches, so it can exceed the wall time) and write of the facts."""
    seconds = result["sources"][0]["facts"]["seconds"]
    return ", ".join(f"{stage} {value:.1f}" for stage, value in seconds.items())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", help="a git repository (default: the synthetic one, cached in .bench/)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time")
    parser.add_argument("--index", action="store_true", help="index the content too (slow: embedding)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source = Path(args.repo).resolve() if args.repo else synthetic_repo.ensure(BENCH_DIR)
    baseline, runs, about = run_benchmark(source, args.workers, args.index)
    print_results(baseline, runs, about, args.index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
