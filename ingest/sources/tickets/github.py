"""GitHub issues, as `gh issue list --json ...` prints them or as the REST API lists them.

gh: `number, title, body, state (OPEN|CLOSED), labels[].name, assignees[].login, author.login,
createdAt, updatedAt, closedAt, url, comments[] (author.login, createdAt, body)`.
REST (`GET /repos/{owner}/{repo}/issues`, or a search's `items`): `number, title, body, state,
labels[].name, assignee / assignees[], user.login, created_at, updated_at, closed_at, html_url`;
an entry with `pull_request` is a pull request and keeps type "pull request"; REST lists carry
only a comment count, so their tickets have no comments.

Keys are `GH-<number>`; people are their login (GitHub exports no email).
"""

from __future__ import annotations

from datetime import tzinfo

from handoff.core.records import Comment, Identity, Ticket
from handoff.ingest.sources.tickets.common import RecordError, clean, iso_datetime, person, required

GH_KEYS = ("createdAt", "author", "closedAt", "updatedAt")
REST_KEYS = ("created_at", "user", "html_url", "closed_at")


def flavour(entry: dict) -> str | None:
    """Which GitHub export an entry comes from, told by the spelling of its keys; None when neither."""
    if "number" not in entry and "title" not in entry:
        return None
    if any(key in entry for key in GH_KEYS):
        return "github-gh"
    if any(key in entry for key in REST_KEYS):
        return "github-rest"
    return None


def from_gh(raw: dict, tz: tzinfo) -> Ticket:
    number = _number(raw)
    assignees = raw.get("assignees") or []
    return Ticket(
        key=f"GH-{number}",
        title=required(raw.get("title"), "title"),
        body=clean(raw.get("body")),
        status=clean(raw.get("state")),
        state=_state(raw.get("state")),
        type="issue",
        assignee=_login(assignees[0]) if assignees else None,
        reporter=_login(raw.get("author")),
        labels=_labels(raw.get("labels")),
        created=iso_datetime(raw.get("createdAt"), "createdAt", tz),
        updated=iso_datetime(raw.get("updatedAt"), "updatedAt", tz),
        resolved=iso_datetime(raw.get("closedAt"), "closedAt", tz),
        url=clean(raw.get("url")),
        comments=[_gh_comment(c, tz) for c in raw.get("comments") or () if isinstance(c, dict)],
        source="github-gh",
    )


def from_rest(raw: dict, tz: tzinfo) -> Ticket:
    number = _number(raw)
    assignee = raw.get("assignee") or next(iter(raw.get("assignees") or ()), None)
    return Ticket(
        key=f"GH-{number}",
        title=required(raw.get("title"), "title"),
        body=clean(raw.get("body")),
        status=clean(raw.get("state")),
        state=_state(raw.get("state")),
        type="pull request" if raw.get("pull_request") else "issue",
        assignee=_login(assignee),
        reporter=_login(raw.get("user")),
        labels=_labels(raw.get("labels")),
        created=iso_datetime(raw.get("created_at"), "created_at", tz),
        updated=iso_datetime(raw.get("updated_at"), "updated_at", tz),
        resolved=iso_datetime(raw.get("closed_at"), "closed_at", tz),
        url=clean(raw.get("html_url")),
        source="github-rest",
    )


def _number(raw: dict) -> int:
    number = raw.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        raise RecordError(f"number: {number!r} is not an issue number" if number is not None else "no number")
    return number


def _state(value: object) -> str:
    return "closed" if clean(value).lower() == "closed" else "open"


def _login(user: object) -> Identity | None:
    return person(user.get("login")) if isinstance(user, dict) else None


def _labels(labels: object) -> list[str]:
    listed = labels if isinstance(labels, list) else []
    names = (label.get("name") if isinstance(label, dict) else label for label in listed)
    return [clean(name) for name in names if clean(name)]


def _gh_comment(raw: dict, tz: tzinfo) -> Comment:
    return Comment(
        author=_login(raw.get("author")) or Identity(),
        created=iso_datetime(raw.get("createdAt"), "comment createdAt", tz),
        body=clean(raw.get("body")),
    )
