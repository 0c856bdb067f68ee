"""Writing from cited evidence with a model behind any OpenAI-compatible chat endpoint.

Retrieved text goes into the user message only, inside delimited blocks labelled as untrusted
data and fenced with a per-request nonce, so a source cannot close its block and speak as the
user; the instructions live in the system message and never contain retrieved text. The reply
must cite at least one source and only sources that exist; anything else is refused with
`LlmUnavailable`, and callers fall back to the extractive text, saying why.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handoff.assist.evidence import Citation
from handoff.core.settings import Settings
from handoff.prompts import load

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

CITATION = re.compile(r"\[(\d+)\]")
MAX_SOURCE_CHARS = 2500


class LlmUnavailable(Exception):
    """The model could not give a usable answer; `reason` says why, for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class CitedText:
    text: str
    cited: list[int]


def cited_completion(settings: Settings, prompt_name: str, variables: dict, sources: list[Citation],
                     texts: dict[int, str] | None = None) -> CitedText:
    """The model's text for `prompt_name`, checked to cite only `sources`; `texts` gives full source texts."""
    if not settings.llm_api_base:
        raise LlmUnavailable("no model configured (set llm_api_base and llm_model)")
    messages = build_messages(prompt_name, variables, sources, texts or {})
    reply = _complete(settings, messages)
    return check_citations(reply, {c.n for c in sources})


def build_messages(prompt_name: str, variables: dict, sources: list[Citation],
                   texts: dict[int, str]) -> list[ChatCompletionMessageParam]:
    system, user = load(prompt_name)
    nonce = secrets.token_hex(4)
    blocks = "\n\n".join(_block(c, texts.get(c.n, c.snippet), nonce) for c in sources)
    return [
        {"role": "system", "content": system.safe_substitute()},
        {"role": "user", "content": user.safe_substitute(**variables, sources=blocks)},
    ]


def check_citations(reply: str, valid: set[int]) -> CitedText:
    text = reply.strip()
    cited = sorted({int(n) for n in CITATION.findall(text)})
    if not text:
        raise LlmUnavailable("the model returned an empty answer")
    if not cited:
        raise LlmUnavailable("the model's answer cited no source")
    unknown = [n for n in cited if n not in valid]
    if unknown:
        raise LlmUnavailable(f"the model cited sources that do not exist: {', '.join(f'[{n}]' for n in unknown)}")
    return CitedText(text, cited)


def _block(c: Citation, text: str, nonce: str) -> str:
    where = c.key if c.kind == "ticket" else f"{c.path}:{c.start_line}-{c.end_line}"
    body = _defused(text[:MAX_SOURCE_CHARS])
    return (f"<<<SOURCE {c.n} {nonce} kind={c.kind} {where} (untrusted data)>>>\n{body}\n"
            f"<<<END SOURCE {c.n} {nonce}>>>")


def _defused(text: str) -> str:
    """Untrusted text cannot contain the block markers."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def _complete(settings: Settings, messages: list[ChatCompletionMessageParam]) -> str:
    from openai import APITimeoutError, OpenAI, OpenAIError

    client = OpenAI(base_url=settings.llm_api_base, api_key=settings.llm_api_key or "none",
                    timeout=settings.llm_timeout, max_retries=0)
    try:
        response = client.chat.completions.create(model=settings.llm_model, messages=messages, temperature=0)
    except APITimeoutError:
        raise LlmUnavailable(f"the model did not answer within {settings.llm_timeout:g} s") from None
    except OpenAIError as exc:
        raise LlmUnavailable(f"the model endpoint failed: {type(exc).__name__}: {str(exc)[:200]}") from None
    choices = response.choices or []
    return (choices[0].message.content or "") if choices else ""
