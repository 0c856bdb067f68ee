"""Prompt templates, shipped as package data and versioned with the code.

A template has a `=== system` part and a `=== user` part; `$name` placeholders are filled
with `string.Template`, so braces in retrieved code never break formatting.
"""

from __future__ import annotations

from importlib.resources import files
from string import Template


def load(name: str) -> tuple[Template, Template]:
    text = files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    system, _, user = text.partition("=== system\n")[2].partition("=== user\n")
    return Template(system.strip()), Template(user.strip())
