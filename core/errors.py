"""Every error a user can cause, in one tree.

    HandoffError                 exit 1, HTTP 500
    ├── InputError               exit 2, HTTP 400   bad argument, file, row or record
    │   ├── RosterError                             a roster row that cannot be loaded
    │   ├── NotARepositoryError                     a path that is not a git repository
    │   └── AmbiguousError                          a name that matches several things
    ├── UnauthorizedError        exit 6, HTTP 401   no API key, or a malformed, unknown or revoked one
    ├── ForbiddenError           exit 6, HTTP 403   a key whose role is below the one needed
    ├── NotFoundError            exit 3, HTTP 404   unknown person, repository, job
    ├── WorkspaceError           exit 4, HTTP 503   no workspace, or one this version cannot read
    └── ExternalError            exit 5, HTTP 502   git, a model endpoint or a server failed

The CLI turns each into one line and its exit code; the API into `{"error": {code, message}}`
with its status. Nothing else is allowed to reach a user as a traceback.
"""

from __future__ import annotations


class HandoffError(Exception):
    exit_code = 1
    http_status = 500
    code = "internal"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(HandoffError):
    exit_code = 2
    http_status = 400
    code = "bad_input"


class RosterError(InputError):
    code = "bad_roster"


class NotARepositoryError(InputError):
    code = "not_a_repository"


class AmbiguousError(InputError):
    code = "ambiguous"


class UnauthorizedError(HandoffError):
    exit_code = 6
    http_status = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": "Bearer"}


class ForbiddenError(HandoffError):
    exit_code = 6
    http_status = 403
    code = "forbidden"


class NotFoundError(HandoffError):
    exit_code = 3
    http_status = 404
    code = "not_found"


class WorkspaceError(HandoffError):
    exit_code = 4
    http_status = 503
    code = "workspace"


class ExternalError(HandoffError):
    exit_code = 5
    http_status = 502
    code = "external"
