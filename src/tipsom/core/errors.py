"""The one error type of tipsom: raised by services, rendered the same way in the UI and the API."""

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can act on: `code` is stable for machines, `message` is translated for people."""

    status_code = 400

    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None, *, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.extra = extra or {}
        self.status_code = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "extra": self.extra}


class NotFound(ApplicationError):
    """Missing and forbidden look the same, so a record's existence never leaks."""

    def __init__(self, message: str | None = None):
        from django.utils.translation import gettext

        super().__init__("not_found", message or gettext("Not found."), status=404)


class Conflict(ApplicationError):
    def __init__(self, message: str, extra: dict[str, Any] | None = None):
        super().__init__("conflict", message, extra, status=409)


class TooManyRequests(ApplicationError):
    """429: the UI and the API both answer with a Retry-After header of `wait_seconds` (also in extra)."""

    def __init__(self, code: str, message: str, *, wait_seconds: int):
        self.wait_seconds = max(1, int(wait_seconds))
        super().__init__(code, message, {"wait_seconds": self.wait_seconds}, status=429)
