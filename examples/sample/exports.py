"""Ticket exports in the shapes the trackers produce them, written from `Ticket` records.

GitHub: `gh issue list --json ...` (github-gh.json) and the REST list endpoint (github-rest.json).
Jira: REST search responses, v2 with text and v3 with Atlassian Document Format, and the CSV
export with its repeated `Labels` and `Comment` columns (jira.csv). Linear: its CSV export.
People appear by e-mail where a format has e-mails (Jira JSON), by login or display name
otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from pathlib import Path

from .cast import PEOPLE
from .ticket import Ticket
from .tickets_github_linear import GITHUB, LINEAR
from .tickets_jira import CHECKOUT, FULFILMENT, PAYMENTS

REPO = "shop-example/shop"
JIRA = "https://shop-example.atlassian.net"
LABEL_COLOURS = {"bug": "d73a4a", "enhancement": "a2eeef", "documentation": "0075ca"}
JIRA_TYPES = {"bug": "Bug", "feature": "Story", "task": "Task"}
JIRA_STATUS = {"open": "To Do", "in progress": "In Progress", "done": "Done"}
LINEAR_STATUS = {"open": "Backlog", "in progress": "In Progress", "done": "Done"}


def write_tickets(folder: Path) -> dict[str, int]:
    """Write every export into `folder`; returns tickets per file."""
    folder.mkdir(parents=True, exist_ok=True)
    backend = [t for t in GITHUB if t.group == "backend"]
    web = [t for t in GITHUB if t.group == "web"]
    files = {
        "github-gh.json": (_json([_gh_issue(t) for t in backend]), len(backend)),
        "github-rest.json": (_json([_rest_issue(t) for t in web]), len(web)),
        "jira-v2.json": (_json(_jira_search(PAYMENTS, "2", _plain_text)), len(PAYMENTS)),
        "jira-v3.json": (_json(_jira_search(FULFILMENT, "3", _adf)), len(FULFILMENT)),
        "jira.csv": (_jira_csv(CHECKOUT), len(CHECKOUT)),
        "linear.csv": (_linear_csv(LINEAR), len(LINEAR)),
    }
    for name, (content, _) in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return {name: count for name, (_, count) in files.items()}


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _id(*parts: str, digits: int = 10) -> int:
    """A stable numeric id from `parts`, as the trackers' opaque ids look."""
    return int(hashlib.sha1(":".join(parts).encode()).hexdigest(), 16) % 10 ** digits


def _iso(moment: str | None, suffix: str = "Z") -> str | None:
    return None if moment is None else moment.replace(" ", "T") + ":00" + suffix


def _updated(t: Ticket) -> str:
    return max([t.created, t.closed or "", *(when for _, when, _ in t.comments)])


def _login(who: str) -> str:
    return PEOPLE[who].login if who in PEOPLE else who


def _name(who: str) -> str:
    return PEOPLE[who].name if who in PEOPLE else ""


def _gh_user(who: str) -> dict:
    return {"id": f"U_kgDO{_id('user', who, digits=8)}", "is_bot": False, "login": _login(who), "name": _name(who)}


def _gh_issue(t: Ticket) -> dict:
    """One element of `gh issue list --json assignees,author,body,closedAt,comments,createdAt,...`."""
    url = f"https://github.com/{REPO}/issues/{t.number}"
    return {
        "assignees": [_gh_user(t.assignee)] if t.assignee else [],
        "author": _gh_user(t.reporter),
        "body": t.body,
        "closedAt": _iso(t.closed),
        "comments": [{
            "id": f"IC_kwDO{_id('comment', t.key, when, digits=12)}",
            "author": {"login": _login(who)},
            "authorAssociation": "MEMBER" if who in PEOPLE else "NONE",
            "body": text,
            "createdAt": _iso(when),
            "includesCreatedEdit": False,
            "isMinimized": False,
            "minimizedReason": "",
            "reactionGroups": [],
            "url": f"{url}#issuecomment-{_id('comment', t.key, when)}",
            "viewerDidAuthor": False,
        } for who, when, text in t.comments],
        "createdAt": _iso(t.created),
        "labels": [{"id": f"LA_kwDO{_id('label', name, digits=8)}", "name": name, "description": "",
                    "color": LABEL_COLOURS.get(name, "ededed")} for name in t.labels],
        "number": t.number,
        "state": "OPEN" if t.is_open else "CLOSED",
        "title": t.title,
        "updatedAt": _iso(_updated(t)),
        "url": url,
    }


def _rest_user(who: str) -> dict:
    login, user_id = _login(who), _id("user", who, digits=8)
    return {"login": login, "id": user_id, "node_id": f"U_kgDO{user_id}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4", "gravatar_id": "",
            "url": f"https://api.github.com/users/{login}", "html_url": f"https://github.com/{login}",
            "type": "User", "user_view_type": "public", "site_admin": False}


def _rest_issue(t: Ticket) -> dict:
    """One element of `GET /repos/{owner}/{repo}/issues?state=all`, which is what the REST API returns."""
    api = f"https://api.github.com/repos/{REPO}/issues/{t.number}"
    issue_id = _id("issue", t.key)
    return {
        "url": api, "repository_url": f"https://api.github.com/repos/{REPO}", "labels_url": api + "/labels{/name}",
        "comments_url": api + "/comments", "events_url": api + "/events",
        "html_url": f"https://github.com/{REPO}/issues/{t.number}", "id": issue_id, "node_id": f"I_kwDO{issue_id}",
        "number": t.number, "title": t.title, "user": _rest_user(t.reporter),
        "labels": [{"id": _id("label", name), "node_id": f"LA_kwDO{_id('label', name, digits=8)}",
                    "url": f"https://api.github.com/repos/{REPO}/labels/{name}", "name": name,
                    "color": LABEL_COLOURS.get(name, "ededed"), "default": name in LABEL_COLOURS,
                    "description": ""} for name in t.labels],
        "state": "open" if t.is_open else "closed", "locked": False,
        "assignee": _rest_user(t.assignee) if t.assignee else None,
        "assignees": [_rest_user(t.assignee)] if t.assignee else [],
        "milestone": None, "comments": len(t.comments),
        "created_at": _iso(t.created), "updated_at": _iso(_updated(t)), "closed_at": _iso(t.closed),
        "author_association": "MEMBER" if t.reporter in PEOPLE else "NONE", "active_lock_reason": None,
        "body": t.body,
        "reactions": {"url": api + "/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0,
                      "confused": 0, "heart": 0, "rocket": 0, "eyes": 0},
        "timeline_url": api + "/timeline", "performed_via_github_app": None,
        "state_reason": None if t.is_open else "completed",
    }


def _jira_user(who: str | None, version: str) -> dict | None:
    if who is None:
        return None
    m = PEOPLE[who]
    return {"self": f"{JIRA}/rest/api/{version}/user?accountId={m.account_id}", "accountId": m.account_id,
            "emailAddress": m.email, "displayName": m.name, "active": True, "timeZone": "Europe/Berlin",
            "accountType": "atlassian"}


def _plain_text(text: str) -> str:
    """REST v2 carries descriptions and comments as plain text (wiki markup), as typed."""
    return text


def _adf(text: str) -> dict:
    """Atlassian Document Format: one paragraph node per paragraph of `text`."""
    return {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in text.split("\n\n")]}


def _jira_search(tickets: list[Ticket], version: str, body) -> dict:
    """A `GET /rest/api/{version}/search` response holding `tickets`."""
    return {"expand": "schema,names", "startAt": 0, "maxResults": 50, "total": len(tickets),
            "issues": [_jira_issue(t, version, body) for t in tickets]}


def _jira_issue(t: Ticket, version: str, body) -> dict:
    issue_id = str(10000 + t.number)
    return {
        "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
        "id": issue_id, "self": f"{JIRA}/rest/api/{version}/issue/{issue_id}", "key": t.key,
        "fields": {
            "summary": t.title,
            "description": body(t.body),
            "status": {"name": JIRA_STATUS[t.status], "statusCategory": {"key": "done" if not t.is_open else "new"}},
            "issuetype": {"name": JIRA_TYPES[t.kind], "subtask": False},
            "priority": {"name": "High" if t.kind == "bug" else "Medium"},
            "project": {"key": "SHOP", "name": "Shop"},
            "components": [{"name": t.labels[0].capitalize()}],
            "assignee": _jira_user(t.assignee, version),
            "reporter": _jira_user(t.reporter, version),
            "creator": _jira_user(t.reporter, version),
            "labels": list(t.labels),
            "created": _jira_time(t.created),
            "updated": _jira_time(_updated(t)),
            "resolutiondate": _jira_time(t.closed),
            "resolution": None if t.is_open else {"name": "Done"},
            "comment": {"comments": [{
                "self": f"{JIRA}/rest/api/{version}/issue/{issue_id}/comment/{_id('comment', t.key, when, digits=5)}",
                "id": str(_id("comment", t.key, when, digits=5)),
                "author": _jira_user(who, version), "body": body(text), "updateAuthor": _jira_user(who, version),
                "created": _jira_time(when), "updated": _jira_time(when), "jsdPublic": True,
            } for who, when, text in t.comments],
                "maxResults": len(t.comments), "total": len(t.comments), "startAt": 0},
        },
    }


def _jira_time(moment: str | None) -> str | None:
    """Jira REST's timestamp shape: `2026-02-20T09:30:00.000+0000`."""
    return _iso(moment, ".000+0000")


def _jira_date(moment: str | None) -> str:
    """Jira CSV's date format: `20/Feb/26 9:30 AM`."""
    if moment is None:
        return ""
    d = datetime.fromisoformat(moment)
    return f"{d:%d/%b/%y} {d.hour % 12 or 12}:{d:%M %p}"


def _jira_csv(tickets: list[Ticket]) -> str:
    """Jira's "Export CSV (all fields)": one column per label and per comment, repeated names."""
    labels = max(len(t.labels) for t in tickets)
    comments = max(len(t.comments) for t in tickets)
    header = (["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name", "Priority",
               "Resolution", "Assignee", "Assignee Id", "Reporter", "Reporter Id", "Created", "Updated", "Resolved",
               "Component/s"] + ["Labels"] * labels + ["Description"] + ["Comment"] * comments)
    rows = []
    for t in tickets:
        assignee = PEOPLE[t.assignee] if t.assignee else None
        reporter = PEOPLE[t.reporter]
        rows.append([
            t.title, t.key, str(10000 + t.number), JIRA_TYPES[t.kind], JIRA_STATUS[t.status], "SHOP", "Shop",
            "High" if t.kind == "bug" else "Medium", "" if t.is_open else "Done",
            assignee.name if assignee else "", assignee.account_id if assignee else "",
            reporter.name, reporter.account_id, _jira_date(t.created), _jira_date(_updated(t)), _jira_date(t.closed),
            t.labels[0].capitalize(), *_padded(list(t.labels), labels), t.body,
            *_padded([f"{_jira_date(when)};{PEOPLE[who].account_id};{text}" for who, when, text in t.comments],
                     comments),
        ])
    return _csv([header, *rows])


LINEAR_COLUMNS = ["ID", "Team", "Title", "Description", "Status", "Estimate", "Priority", "Project ID", "Project",
                  "Creator", "Assignee", "Labels", "Cycle Number", "Cycle Name", "Cycle Start", "Cycle End",
                  "Created", "Updated", "Started", "Triaged", "Completed", "Canceled", "Archived", "Due Date",
                  "Parent issue", "Initiatives", "Project Milestone ID", "Project Milestone", "SLA Status",
                  "Roadmaps"]
CYCLE_ONE = datetime(2025, 7, 7)  # the team's two-week cycles start on Mondays


def _linear_date(moment: str | None) -> str:
    """Linear writes JavaScript's Date.toString() in its CSV exports."""
    if moment is None:
        return ""
    return datetime.fromisoformat(moment).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")


def _linear_csv(tickets: list[Ticket]) -> str:
    rows = [LINEAR_COLUMNS]
    for t in tickets:
        created = datetime.fromisoformat(t.created)
        cycle = (created - CYCLE_ONE).days // 14 + 1
        start = CYCLE_ONE.toordinal() + (cycle - 1) * 14
        project = "Web" if "web" in t.labels else "Platform"
        rows.append([
            t.key, "Engineering", t.title, t.body, LINEAR_STATUS[t.status], "2" if t.kind == "bug" else "3",
            "High" if t.kind == "bug" else "Medium", _uuid("project", project), project, _name(t.reporter),
            _name(t.assignee) if t.assignee else "", ", ".join(label.capitalize() for label in t.labels),
            str(cycle), "", _linear_date(datetime.fromordinal(start).strftime("%Y-%m-%d 00:00")),
            _linear_date(datetime.fromordinal(start + 14).strftime("%Y-%m-%d 00:00")),
            _linear_date(t.created), _linear_date(_updated(t)), _linear_date(t.created if t.status != "open" else None),
            _linear_date(t.created), _linear_date(t.closed), "", "", "", "", "", "", "", "", "",
        ])
    return _csv(rows)


def _uuid(*parts: str) -> str:
    h = hashlib.sha1(":".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _padded(values: list[str], width: int) -> list[str]:
    return values + [""] * (width - len(values))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
