"""A large synthetic git repository for the ownership benchmark: realistic for blame, deterministic.

The whole history streams into one `git fast-import` process, so 20,000 commits take seconds
rather than the hour that 20,000 `git commit` calls would. The same parameters always give the
same commits, byte for byte, so results compare across runs and machines. What blame meets is
close to a product's history:

- 25 people over six years, each active for a part of it, a few far more prolific than the
  rest; one commits under two spellings of the same email, one changed email (`.mailmap`);
- bots (dependabot, renovate, github-actions, pre-commit-ci) on dependency, CI and hook files;
- files of 50-400 lines in nested folders, created all along the history: a few hot files take
  most commits while many old ones stay untouched;
- commits that insert, edit or delete a few lines at any position in 1-5 related files, some
  renames and deletions;
- one bulk reformat commit (quote style) listed in a committed `.git-blame-ignore-revs`;
- a `vendor/` folder, a generated lock file and two binary files, which ownership leaves out.

`ensure(cache_dir)` returns the repository cached there, building it only when it is missing or
when the parameters or this generator changed.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from bisect import bisect_right
from dataclasses import asdict, dataclass, field, replace
from itertools import accumulate
from pathlib import Path

START = 1_546_300_800  # 2019-01-01, the first commit
YEAR = 365 * 24 * 3600
MIN_LINES, MAX_LINES = 50, 400
TWO_SPELLINGS = 3  # this person sometimes commits as First.Last@Domain, sometimes lowercase
MOVED = 4  # this person's first emails were at an old domain, joined by `.mailmap`
WORDS = (
    "account", "audit", "batch", "billing", "cache", "cart", "client", "config", "cursor", "delta", "event",
    "export", "feed", "filter", "grant", "group", "index", "invoice", "job", "ledger", "limit", "member",
    "meter", "order", "owner", "page", "payment", "plan", "policy", "quota", "rate", "record", "refund",
    "region", "report", "retry", "role", "route", "schema", "scope", "session", "shard", "signal", "stock",
    "store", "tenant", "ticket", "token", "usage", "user", "vault", "window",
)
VERBS = ("load", "save", "build", "parse", "check", "merge", "apply", "fetch", "render", "sync", "split", "count")
FIRST = ("Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gita", "Hugo", "Ines", "Jon", "Kofi", "Lena", "Mateo",
         "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tom", "Uma", "Viktor", "Wen", "Yara", "Zoe")
LAST = ("Abbott", "Brandt", "Costa", "Duval", "Eriksen", "Fischer", "Gupta", "Haddad", "Ito", "Jansen",
        "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Silva", "Tanaka",
        "Ueda", "Varga", "Weber", "Xu", "Yilmaz")
DOMAINS = ("corp.example", "corp.example", "corp.example", "acme-consulting.example", "devshop.example",
           "gmail.example")
ZONES = ("+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900")
AREAS = {  # top folder -> (file extensions, sub-folder depth)
    "src/orbit": ((".py",), 2),
    "services": ((".go",), 2),
    "web/src": ((".ts", ".js"), 2),
    "tests": ((".py",), 1),
    "docs": ((".md",), 1),
    "deploy": ((".yml",), 1),
    "scripts": ((".sh", ".py"), 0),
}
BOT_FILES = {  # bot -> the files it keeps up to date
    "dependabot[bot]": ("requirements.txt", "web/package.json", "web/package-lock.json"),
    "renovate[bot]": ("services/go.mod", "deploy/images.yml"),
    "github-actions[bot]": (".github/workflows/ci.yml", ".github/workflows/release.yml", "CHANGELOG.md"),
    "pre-commit-ci[bot]": (".pre-commit-config.yaml",),
}
BOT_EMAILS = {
    "dependabot[bot]": "49699333+dependabot[bot]@users.noreply.github.com",
    "renovate[bot]": "29139614+renovate[bot]@users.noreply.github.com",
    "github-actions[bot]": "41898282+github-actions[bot]@users.noreply.github.com",
    "pre-commit-ci[bot]": "66853113+pre-commit-ci[bot]@users.noreply.github.com",
}


@dataclass(frozen=True)
class Params:
    seed: int = 20_190_101
    commits: int = 20_000
    files: int = 2_500  # text files created over the history, vendored ones aside
    initial_files: int = 600  # created by the first commit: the oldest code
    people: int = 25
    years: float = 6.0
    renames: float = 0.006  # share of commits that rename a file
    deletions: float = 0.008  # share of commits that delete a file
    bot_share: float = 0.03
    reformat_at: float = 0.7  # where in the history the bulk reformat lands
    vendored_files: int = 40


@dataclass
class Author:
    name: str
    email: str
    zone: str
    start: float  # share of the history when they start committing
    end: float
    weight: float


@dataclass
class SourceFile:
    path: str
    lines: list[str]

    @property
    def ext(self) -> str:
        return Path(self.path).suffix

    def content(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode()


@dataclass
class HeatMap:
    """Weighted choice among live files; the running sums are rebuilt only when files come or go."""

    paths: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    slots: dict[str, int] = field(default_factory=dict)
    sums: list[float] | None = None

    def add(self, path: str, heat: float) -> None:
        self.slots[path] = len(self.paths)
        self.paths.append(path)
        self.weights.append(heat)
        self.sums = None

    def remove(self, path: str) -> None:
        self.weights[self.slots.pop(path)] = 0.0
        self.sums = None

    def rename(self, old: str, new: str) -> None:
        slot = self.slots.pop(old)
        self.slots[new] = slot
        self.paths[slot] = new

    def pick(self, rng: random.Random) -> str:
        if self.sums is None:
            self.sums = list(accumulate(self.weights))
        return self.paths[bisect_right(self.sums, rng.random() * self.sums[-1])]


class FastImport:
    """One `git fast-import` process fed commit by commit; `sha` asks it for a commit's id."""

    def __init__(self, repo: Path):
        self.proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.marks = 0

    def commit(self, author: Author, when: int, message: str, ops: list[bytes]) -> int:
        self.marks += 1
        who = f"{author.name} <{author.email}> {when} {author.zone}\n"
        body = message.encode()
        self.proc.stdin.write(f"commit refs/heads/main\nmark :{self.marks}\nauthor {who}committer {who}"
                              f"data {len(body)}\n".encode() + body + b"\n" + b"".join(ops) + b"\n")
        return self.marks

    def sha(self, mark: int) -> str:
        self.proc.stdin.write(f"get-mark :{mark}\n".encode())
        self.proc.stdin.flush()
        return self.proc.stdout.readline().decode().strip()

    def close(self) -> None:
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError("git fast-import failed")


def modify(path: str, content: bytes) -> bytes:
    return f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n"


def delete(path: str) -> bytes:
    return f"D {path}\n".encode()


def rename(old: str, new: str) -> bytes:
    return f"R {old} {new}\n".encode()


class History:
    """The generator's state: live files, people and the clock, turned into commits one by one."""

    def __init__(self, params: Params, out: FastImport):
        self.params, self.out = params, out
        self.rng = random.Random(params.seed)
        self.people = make_people(self.rng, params.people)
        self.bots = {name: Author(name, email, "+0000", 0.0, 1.0, 1.0) for name, email in BOT_EMAILS.items()}
        self.folders = make_folders(self.rng)
        self.files: dict[str, SourceFile] = {}
        self.heat = HeatMap()
        self.by_folder: dict[str, dict[str, None]] = {}
        self.when = START
        self.reformatted = False
        self.created = 0

    def run(self) -> None:
        p = self.params
        events = {0: self.initial_commit, int(p.commits * 0.1): self.vendor_import,
                  int(p.commits * 0.3): self.binary_update, int(p.commits * 0.5): self.vendor_update,
                  int(p.commits * p.reformat_at): self.reformat}
        while self.out.marks < p.commits:
            self.tick()
            events.get(self.out.marks, self.ordinary_commit)()

    def progress(self) -> float:
        """How far into the history the next commit is, from 0 to 1."""
        return self.out.marks / self.params.commits

    def tick(self) -> None:
        self.when += int(self.rng.expovariate(self.params.commits / (self.params.years * YEAR))) + 1

    def ordinary_commit(self) -> None:
        p, r = self.params, self.rng.random()
        if r < p.bot_share:
            self.bot_commit()
        elif r < p.bot_share + p.renames:
            self.rename_commit()
        elif r < p.bot_share + p.renames + p.deletions:
            self.delete_commit()
        elif self.rng.random() < self.creation_chance():
            self.create_commit()
        else:
            self.edit_commit()

    def creation_chance(self) -> float:
        """Spreads the files still to create over the commits left, a little ahead of time."""
        left = max(1, self.params.commits - self.out.marks)
        return min(1.0, 1.6 * (self.params.files - self.created) / left)

    # commits -------------------------------------------------------------------------------

    def initial_commit(self) -> None:
        founder = self.people[0]
        ops = [modify(path, text.encode()) for path, text in special_files(founder, self.people).items()]
        ops += [self.new_file(path, heat=0.0) for paths in BOT_FILES.values() for path in paths]
        ops += [self.new_file(self.new_path()) for _ in range(self.params.initial_files)]
        ops += [modify("assets/logo.png", binary_bytes(self.rng, 3000))]
        self.out.commit(founder, self.when, "Import the orbit code base", ops)

    def create_commit(self) -> None:
        path = self.new_path()
        ops = [self.new_file(path)] + self.edits(path, self.rng.randint(0, 2))
        self.out.commit(self.author(), self.when, f"Add {Path(path).stem} {self.rng.choice(WORDS)}", ops)

    def edit_commit(self) -> None:
        first = self.heat.pick(self.rng)
        ops = [self.edit(first)] + self.edits(first, self.rng.choice((0, 0, 0, 1, 1, 2, 3, 4)))
        verb, noun = self.rng.choice(VERBS), self.rng.choice(WORDS)
        self.out.commit(self.author(), self.when, f"{verb.capitalize()} {noun} in {Path(first).stem}", ops)

    def rename_commit(self) -> None:
        old = self.heat.pick(self.rng)
        new = self.new_path(Path(old).suffix)
        source = self.files.pop(old)
        source.path = new
        self.files[new] = source
        self.heat.rename(old, new)
        self.forget_folder(old)
        self.remember_folder(new)
        ops = [rename(old, new), self.edit(new)]
        self.out.commit(self.author(), self.when, f"Move {Path(old).stem} to {Path(new).parent}", ops)

    def delete_commit(self) -> None:
        path = self.heat.pick(self.rng)
        del self.files[path]
        self.heat.remove(path)
        self.forget_folder(path)
        self.out.commit(self.author(), self.when, f"Remove unused {Path(path).stem}", [delete(path)])

    def bot_commit(self) -> None:
        name = self.rng.choice(sorted(BOT_FILES))
        path = self.rng.choice(BOT_FILES[name])
        source = self.files[path]
        line = self.rng.randrange(len(source.lines))
        source.lines[line] = f"{self.rng.choice(WORDS)}: {self.rng.randint(1, 9)}.{self.rng.randint(0, 40)}.0"
        self.out.commit(self.bots[name], self.when, f"Bump {self.rng.choice(WORDS)} in {path}",
                        [modify(path, source.content())])

    def vendor_import(self) -> None:
        ops = []
        for n in range(self.params.vendored_files):
            source = SourceFile(f"vendor/yamlish/{'lib/' if n % 3 else ''}part_{n:02}.c", [])
            source.lines = [self.line(".c") for _ in range(self.file_size())]
            self.files[source.path] = source
            ops.append(modify(source.path, source.content()))
        self.out.commit(self.people[1], self.when, "Vendor yamlish 0.2.5", ops)

    def vendor_update(self) -> None:
        ops = [self.edit(path) for path in sorted(self.files) if path.startswith("vendor/") and self.rng.random() < 0.4]
        self.out.commit(self.people[1], self.when, "Update vendored yamlish to 0.2.6", ops)

    def binary_update(self) -> None:
        ops = [modify("assets/logo.png", binary_bytes(self.rng, 3200)),
               modify("assets/fonts/icons.woff", binary_bytes(self.rng, 5000))]
        self.out.commit(self.people[2], self.when, "New logo and icon font", ops)

    def reformat(self) -> None:
        """The bulk reformat (single to double quotes in Python), then its entry in the ignore file."""
        lead = self.people[0]
        python = [f for path, f in sorted(self.files.items()) if f.ext == ".py"]
        for source in python:
            source.lines = [line.replace("'", '"') for line in source.lines]
        self.reformatted = True
        mark = self.out.commit(lead, self.when, "Reformat: double quotes in all Python code",
                               [modify(f.path, f.content()) for f in python])
        ignore = f"# Bulk reformats: blame looks through them\n# Reformat: double quotes\n{self.out.sha(mark)}\n"
        self.tick()
        self.out.commit(lead, self.when, "Ignore the quote reformat in blame",
                        [modify(".git-blame-ignore-revs", ignore.encode())])

    # files and lines -----------------------------------------------------------------------

    def new_file(self, path: str, heat: float | None = None) -> bytes:
        source = SourceFile(path, [self.line(Path(path).suffix) for _ in range(self.file_size())])
        self.files[path] = source
        self.heat.add(path, self.file_heat() if heat is None else heat)
        self.remember_folder(path)
        self.created += 1
        return modify(path, source.content())

    def file_size(self) -> int:
        """50 to 400 lines, most files short."""
        return int(self.rng.triangular(MIN_LINES, MAX_LINES, 90))

    def file_heat(self) -> float:
        """Most files cool (rarely touched), a few very hot: a heavy-tailed weight."""
        return 0.02 if self.rng.random() < 0.35 else self.rng.paretovariate(1.2)

    def new_path(self, ext: str | None = None) -> str:
        """A free path in a folder that holds files like it (any folder for a new file)."""
        folders = [f for f in self.folders if ext in f[1]] or self.folders
        while True:
            folder, exts = self.rng.choice(folders)
            name = f"{self.rng.choice(WORDS)}_{self.rng.choice(VERBS)}{ext or self.rng.choice(exts)}"
            path = f"{folder}/{name}"
            if path not in self.files:
                return path

    def edits(self, first: str, count: int) -> list[bytes]:
        """Edits to files related to `first`: mostly its folder neighbours, sometimes any hot file."""
        chosen: dict[str, None] = {}
        for _ in range(count):
            neighbours = list(self.by_folder.get(str(Path(first).parent), ()))
            path = self.rng.choice(neighbours) if self.rng.random() < 0.6 else self.heat.pick(self.rng)
            if path != first and path in self.heat.slots:
                chosen[path] = None
        return [self.edit(path) for path in chosen]

    def edit(self, path: str) -> bytes:
        source = self.files[path]
        for _ in range(self.rng.randint(1, 3)):
            self.change_lines(source)
        return modify(path, source.content())

    def change_lines(self, source: SourceFile) -> None:
        """Insert, rewrite or delete a small block at a random position, staying within 50-400 lines."""
        lines, rng, ext = source.lines, self.rng, source.ext
        size = len(lines)
        kind = rng.choices(("insert", "rewrite", "delete"),
                           weights=(3 if size < MAX_LINES - 10 else 0, 4, 2 if size > MIN_LINES + 8 else 0))[0]
        at, count = rng.randrange(size), rng.randint(1, 6)
        if kind == "insert":
            lines[at:at] = [self.line(ext) for _ in range(count)]
        elif kind == "rewrite":
            lines[at:at + count] = [self.line(ext) for _ in range(min(count, size - at))]
        else:
            del lines[at:at + count]

    def line(self, ext: str) -> str:
        rng = self.rng
        a, b, verb = rng.choice(WORDS), rng.choice(WORDS), rng.choice(VERBS)
        if rng.random() < 0.1:
            return ""
        if ext == ".md":
            return f"- {a} {verb}s the {b} ({rng.randint(1, 99)})"
        if ext == ".yml":
            return f"  {a}_{b}: {rng.randint(1, 500)}"
        quote = '"' if ext == ".go" or (ext == ".py" and self.reformatted) else "'"
        indent = " " * rng.choice((0, 4, 4, 8, 8, 12))
        return rng.choice((
            f"{indent}{a}_{b} = {verb}_{a}({quote}{b}{quote}, {rng.randint(0, 999)})",
            f"{indent}if {a}.{b} > {rng.randint(0, 99)}:",
            f"{indent}return {verb}({a}, {b})",
            f"{indent}{a}.{verb}({quote}{b}-{rng.randint(0, 99)}{quote})",
            f"{indent}# {verb} the {a} before the {b}",
        ))

    # people --------------------------------------------------------------------------------

    def author(self) -> Author:
        """Someone active at this point of the history, the prolific more often, under the email of the day."""
        share = self.progress()
        active = [a for a in self.people if a.start <= share <= a.end]
        author = self.rng.choices(active, weights=[a.weight for a in active])[0]
        if author is self.people[TWO_SPELLINGS] and self.rng.random() < 0.3:
            return replace(author, email=author.email.title())
        if author is self.people[MOVED] and share < 0.3:
            return replace(author, email=old_email(author))
        return author

    def remember_folder(self, path: str) -> None:
        self.by_folder.setdefault(str(Path(path).parent), {})[path] = None

    def forget_folder(self, path: str) -> None:
        self.by_folder[str(Path(path).parent)].pop(path, None)


def make_people(rng: random.Random, count: int) -> list[Author]:
    """The first five span the whole history; the others join and leave at random points."""
    people = []
    for n in range(count):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        start, end = (0.0, 1.0) if n < 5 else sorted((rng.random(), rng.random()))
        email = f"{first.lower()}.{last.lower()}@{DOMAINS[n % len(DOMAINS)]}"
        people.append(Author(f"{first} {last}", email, ZONES[n % len(ZONES)], start, max(end, start + 0.1),
                             rng.paretovariate(1.5)))
    return people


def old_email(author: Author) -> str:
    return author.email.split("@")[0].split(".")[0] + "@oldmail.example"


def make_folders(rng: random.Random) -> list[tuple[str, tuple[str, ...]]]:
    """Nested folders per area, each with the file extensions it holds."""
    folders = []
    for area, (exts, depth) in AREAS.items():
        folders.append((area, exts))
        for top in rng.sample(WORDS, 8 if depth else 0):
            folders.append((f"{area}/{top}", exts))
            for sub in rng.sample(WORDS, 4 if depth > 1 else 0):
                folders.append((f"{area}/{top}/{sub}", exts))
    return folders


def special_files(founder: Author, people: list[Author]) -> dict[str, str]:
    moved = people[MOVED]
    return {
        "README.md": "# Orbit\n\nBilling and accounts for the orbit platform.\n",
        ".mailmap": f"{moved.name} <{moved.email}> <{old_email(moved)}>\n",
        ".gitignore": "__pycache__/\nnode_modules/\n*.log\n",
        "LICENSE": f"Copyright (c) 2019 {founder.name}\n",
    }


def binary_bytes(rng: random.Random, size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(size)


def build(params: Params, target: Path) -> None:
    """Write the repository at `target` (which must not exist), history and working tree."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    out = FastImport(target)
    try:
        History(params, out).run()
    finally:
        out.close()
    subprocess.run(["git", "-C", str(target), "reset", "-q", "--hard"], check=True)


def fingerprint(params: Params) -> str:
    """What the cached repository was built from: the parameters and this generator's code."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return json.dumps({"params": asdict(params), "generator": code}, sort_keys=True)


def ensure(cache_dir: Path, params: Params = Params()) -> Path:
    """The synthetic repository under `cache_dir`, built now only if missing or out of date."""
    target, stamp = cache_dir / "synthetic", cache_dir / "synthetic.json"
    wanted = fingerprint(params)
    if target.is_dir() and stamp.is_file() and stamp.read_text() == wanted:
        return target
    scratch = cache_dir / "synthetic.building"
    for stale in (scratch, target):
        shutil.rmtree(stale, ignore_errors=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    build(params, scratch)
    scratch.rename(target)
    stamp.write_text(wanted)
    return target
