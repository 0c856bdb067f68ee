"""Truck factor on real repositories: Handoff beside the tool of Avelino et al. (ICPC 2016).

    python benchmarks/truck_factor.py REPO... [--tool DIR] [--merge-aliases] [--include-bots]

For each repository, Handoff's truck factor, the authors it removes (with the number of files
each one authors) and the time taken, ingest included. With `--tool DIR`, a built copy of the
tool (its `gittruckfactor` folder: `classes/` or a jar, `lib/`, `config.properties`,
`scripts/log.awk`, `repo_info/`) runs too: once on Handoff's files, its own filtered-files list
holding the files Handoff leaves out (binary, vendored, generated, symlinks, submodules), and
once on every tracked file, as it runs by default. The tool's git commands are those of its
`scripts/commit_log_script.sh`, written to a temporary folder so the repository stays untouched.

`--merge-aliases` gives Handoff a roster that joins authors sharing an email or a name, the
tool's alias rule, so that both count the same people; `--include-bots` lets bots be authors, as
the tool does. With both, the two should differ only where the tool's rename bookkeeping depends
on the order of file names (see `handoff.ingest.sources.authorship`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from handoff.core.facts import load_facts
from handoff.core.people import Person
from handoff.core.progress import SilentProgress
from handoff.core.roster import replace_roster
from handoff.core.workspace import Workspace
from handoff.ingest.local import run_ingest
from handoff.retention.truck_factor import truck_factor

TOOL_LOG_FORMAT = "%H-;-%aN-;-%aE-;-%at-;-%cN-;-%cE-;-%ct-;-%f"
TOOL_MAIN = "aserg.gtf.GitTruckFactor"


@dataclass
class Result:
    label: str
    files: int
    truck_factor: int
    removed: list[tuple[str, int]]
    seconds: float
    note: str = ""


def handoff(path: Path, merge_aliases: bool, include_bots: bool) -> tuple[Result, list[str]]:
    """Handoff's result, and the paths at HEAD it leaves out."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        workspace, _ = Workspace.init(Path(tmp) / "ws")
        if merge_aliases:
            replace_roster(workspace.store, alias_roster(path, workspace.settings.bot_patterns))
        summary = run_ingest(workspace, [(str(path), None)], [], SilentProgress(), index=False).sources[0].facts
        analysis = time.perf_counter()
        facts = load_facts(workspace.store, workspace.settings)
        repo = truck_factor(facts, summary.repo, include_bots).repos[0]
    ended = time.perf_counter()
    removed = [(r.name, r.files) for r in repo.removed]
    result = Result("handoff", repo.files, repo.truck_factor, removed, ended - started,
                    f"of which {ended - analysis:.2f} s facts and truck factor")
    return result, [f.path for f in facts.excluded]


def alias_roster(path: Path, bot_patterns: list[str]) -> list[Person]:
    """One person per group of authors linked by a shared email or name (case and accents ignored).

    Bots stay off the roster, so that Handoff still recognises them as bots.
    """
    bots = [re.compile(p, re.IGNORECASE) for p in bot_patterns]
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    names: dict[str, str] = {}
    log = git(path, "log", "--format=%aN%x00%aE").decode("utf-8", "replace")
    for line in filter(None, log.split("\n")):
        name, email = line.split("\x00")
        if not email or any(b.search(name) or b.search(email) for b in bots):
            continue
        names.setdefault(email.lower(), name)
        if name.strip():
            parent[root("email:" + email.lower())] = root("name:" + _fold(name))
    groups: dict[str, list[str]] = {}
    for email in names:
        groups.setdefault(root("email:" + email), []).append(email)
    return [Person(id=emails[0], name=names[emails[0]], kind="employee", emails=tuple(emails))
            for emails in groups.values()]


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)).upper()


def tool(tool_dir: Path, path: Path, left_out: list[str], label: str) -> Result:
    """The tool's result on `path`, the files in `left_out` given to it as its filtered files."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        logs, run = Path(tmp) / "logs", Path(tmp) / "run"
        write_tool_logs(tool_dir, path, logs)
        shutil.copytree(tool_dir / "repo_info", run / "repo_info")
        shutil.copy(tool_dir / "config.properties", run)
        filtered = tool_paths(path, left_out)
        (run / "repo_info" / "filtered-files.txt").write_text("".join(f"{path.name};{p};handoff\n" for p in filtered))
        out = run_java(tool_dir, run, logs, path.name)
        files = len(tool_files(logs) - filtered)
    return parse_tool_output(out, label, files, time.perf_counter() - started)


def tool_paths(path: Path, paths: list[str]) -> set[str]:
    """`paths` as the tool reads them from `git ls-files`, which quotes unusual characters."""
    plain, quoted = git(path, "ls-files", "-z").decode().split("\0"), git(path, "ls-files").decode().split("\n")
    quoted = dict(zip(plain, quoted, strict=True))
    return {quoted[p] for p in paths if p in quoted}


def tool_files(logs: Path) -> set[str]:
    """The tracked files the tool counts: those with at least one added, modified or renamed entry."""
    changed = {line.rstrip("\n").split(";")[3] for line in (logs / "commitfileinfo.log").open(errors="replace")}
    return set((logs / "filelist.log").read_text(errors="replace").splitlines()) & changed


def write_tool_logs(tool_dir: Path, path: Path, logs: Path) -> None:
    """The files `scripts/commit_log_script.sh` writes, into `logs` instead of the repository."""
    logs.mkdir()
    renames = ("-c", "diff.renameLimit=999999")
    (logs / "commitinfo.log").write_bytes(git(path, *renames, "log", f"--pretty=format:{TOOL_LOG_FORMAT}"))
    name_status = git(path, *renames, "log", "--name-status", "--pretty=format:commit\t%H", "--find-renames")
    awk = subprocess.run(["awk", "-F\t", "-f", str(tool_dir / "scripts" / "log.awk")], input=name_status,
                         capture_output=True, check=True)
    (logs / "commitfileinfo.log").write_bytes(awk.stdout)
    (logs / "filelist.log").write_bytes(git(path, "ls-files"))


def run_java(tool_dir: Path, cwd: Path, logs: Path, name: str) -> str:
    """The tool's standard output; its configuration and `repo_info/` are read from `cwd`."""
    done = subprocess.run(["java", "-cp", classpath(tool_dir), TOOL_MAIN, f"{logs}/", name], cwd=cwd,
                          capture_output=True, text=True)
    if done.returncode != 0 or "TF calculation aborted" in done.stderr:
        raise SystemExit(f"tool failed on {name}: {(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return done.stdout


def classpath(tool_dir: Path) -> str:
    folders = [tool_dir, tool_dir / "target"]
    parts = [str(f / "classes") for f in folders if (f / "classes").is_dir()]
    parts += [str(jar) for f in folders for jar in sorted(f.glob("*.jar"))]
    parts += [str(f / "lib" / "*") for f in folders if (f / "lib").is_dir()]
    return ":".join(parts)


def parse_tool_output(out: str, label: str, files: int, seconds: float) -> Result:
    """Read `TF = n (coverage = ..%)` and the `name;files;percentage` lines after it."""
    match = re.search(r"^TF = (\d+)", out, re.MULTILINE)
    if match is None:
        raise SystemExit(f"tool: no truck factor in its output:\n{out}")
    lines = out[match.end():].splitlines()[2:]
    rows = [line.rsplit(";", 2) for line in lines if line.count(";") >= 2]
    removed = [(name, int(count)) for name, count, _ in rows]
    return Result(label, files, int(match.group(1)), removed, seconds)


def git(path: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, check=True).stdout


def show(repo: str, results: list[Result]) -> None:
    print(f"\n{repo}")
    for r in results:
        removed = ", ".join(f"{name} ({files})" for name, files in r.removed) or "-"
        print(f"  {r.label:<16} {r.files:>5} files  TF {r.truck_factor:<3} {r.seconds:7.2f} s  {removed}")
        if r.note:
            print(f"  {'':<16} {r.note}")
    if len(results) > 1:
        print(f"  time ratio handoff / tool: {results[0].seconds / results[1].seconds:.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path, metavar="REPO")
    parser.add_argument("--tool", type=Path, help="built gittruckfactor folder of Avelino et al.'s tool")
    parser.add_argument("--merge-aliases", action="store_true", help="join authors by shared email or name")
    parser.add_argument("--include-bots", action="store_true", help="let bots be authors in Handoff")
    args = parser.parse_args(argv)
    for path in (p.resolve() for p in args.repos):
        mine, left_out = handoff(path, args.merge_aliases, args.include_bots)
        results = [mine]
        if args.tool:
            results.append(tool(args.tool, path, left_out, "tool, same files"))
            results.append(tool(args.tool, path, [], "tool, all files"))
        show(path.name, results)


if __name__ == "__main__":
    sys.exit(main())
