"""The wheel holds every package and every data file the code reads: templates, static files, prompts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("core", "index", "ingest", "retention", "assist", "api", "prompts")
IMPORTS = """
import handoff.api.main, handoff.api.http.app, handoff.ingest.pipeline, handoff.index.chunking.code
from handoff.api.render.report_html import _environment
from handoff.api.http.routes.web import WEB
from handoff.prompts import load
assert handoff.api.main.__file__.startswith(TARGET), handoff.api.main.__file__
_environment().get_template("report.html.j2")
assert (WEB / "static" / "app.js").is_file() and (WEB / "templates" / "index.html").is_file()
load("ask")
print("ok")
"""


@pytest.mark.slow
def test_a_built_wheel_carries_every_package_and_data_file(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build writes nothing into the checkout
    for layer in LAYERS:
        shutil.copytree(ROOT / layer, source / layer, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("handoff-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {f"handoff/{p.relative_to(ROOT).as_posix()}" for layer in LAYERS
               for p in (ROOT / layer).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert sources <= names, sorted(sources - names)
    target = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(target)
    code = f"TARGET = {str(target)!r}\n" + IMPORTS
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == "ok", result.stderr
