"""Package discovery, the one thing pyproject.toml cannot say here.

Each top-level layer folder installs as `handoff.<layer>`; setuptools' `packages.find` names what
it finds after the folder (`core`, not `handoff.core`), so the layers are mapped here and every
package below them, data folders included (templates, static files, prompts), is found, never listed.
"""

from setuptools import find_namespace_packages, setup

LAYERS = ("core", "index", "ingest", "retention", "assist", "api", "prompts")
DATA = ["*.md", "*.j2", "*.css", "*.js", "*.html"]

packages = find_namespace_packages(include=[name for layer in LAYERS for name in (layer, f"{layer}.*")],
                                   exclude=["*.__pycache__"])
setup(
    packages=[f"handoff.{package}" for package in packages],
    package_dir={f"handoff.{layer}": layer for layer in LAYERS},
    package_data={f"handoff.{package}": DATA for package in packages},
)
