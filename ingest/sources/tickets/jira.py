"""Jira issues from the REST search API: `{"issues": [{"key": ..., "fields": {...}}]}`.

Fields read: `summary, description, status.name (statusCategory.key decides open or closed),
issuetype.name, assignee / reporter (displayName, emailAddress), labels, created, updated,
resolutiondate, comment.comments[] (author, created, body)`. API v2 gives description and comment
bodies as wiki-markup strings, kept as written; v3 gives Atlassian Document Format, made plain text.
Keys are the issue keys (`SHOP-45`); the url is `<site>/browse/<key>`, the site taken from `self`.
"""

from __future__ import annotations

from datetime import tzinfo
from urllib.parse import urlsplit

from handoff.core.records import Comment, Identity, Ticket
from handoff.ingest.sources.tickets.adf import adf_to_text
from handoff.ingest.sources.tickets.common import RecordError, clean, iso_datetime, person, required, state_of


def version(issues: list) -> str:
    """The API version of a search export: v3 when it came from /rest/api/3 or holds ADF documents."""
    for issue in issues:
        if not isinstance(issue, dict):
            continue
        fields = issue["fields"] if isinstance(issue.get("fields"), dict) else {}
        if "/rest/api/3/" in str(issue.get("self", "")) or isinstance(fields.get("description"), dict):
            return "jira-v3"
    return "jira-v2"


def from_issue(raw: object, source: str, tz: tzinfo) -> Ticket:
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict):
        raise RecordError("not a Jira issue: no 'fields' object")
    key, fields = required(raw.get("key"), "key"), raw["fields"]
    status = fields.get("status") or {}
    return Ticket(
        key=key,
        title=required(fields.get("summary"), "summary"),
        body=_text(fields.get("description")),
        status=clean(status.get("name")),
        state=_state(status),
        type=clean((fields.get("issuetype") or {}).get("name")),
        assignee=_user(fields.get("assignee")),
        reporter=_user(fields.get("reporter")),
        labels=[clean(label) for label in fields.get("labels") or () if clean(label)],
        created=iso_datetime(fields.get("created"), "created", tz),
        updated=iso_datetime(fields.get("updated"), "updated", tz),
        resolved=iso_datetime(fields.get("resolutiondate"), "resolutiondate", tz),
        url=_browse_url(raw.get("self"), key),
        comments=[_comment(c, tz) for c in (fields.get("comment") or {}).get("comments") or () if isinstance(c, dict)],
        source=source,
    )


def _text(value: object) -> str:
    return adf_to_text(value) if isinstance(value, dict) else clean(value)


def _state(status: dict) -> str:
    category = (status.get("statusCategory") or {}).get("key")
    if category:
        return "closed" if category == "done" else "open"
    return state_of(clean(status.get("name")))


def _user(user: object) -> Identity | None:
    if not isinstance(user, dict):
        return None
    return person(user.get("displayName") or user.get("name") or user.get("accountId"), user.get("emailAddress"))


def _browse_url(self_url: object, key: str) -> str:
    parts = urlsplit(clean(self_url))
    if not parts.scheme or "/rest/api/" not in parts.path:
        return ""
    site = parts.path.split("/rest/api/")[0]
    return f"{parts.scheme}://{parts.netloc}{site}/browse/{key}"


def _comment(raw: dict, tz: tzinfo) -> Comment:
    return Comment(
        author=_user(raw.get("author")) or Identity(),
        created=iso_datetime(raw.get("created"), "comment created", tz),
        body=_text(raw.get("body")),
    )
