"""Errors a service raises. Each carries a message a user can read (Simplified Chinese).

Views turn them into form errors or flash messages; the API turns them into 400/403/404/409 JSON answers.
"""


class DomainError(Exception):
    """A rule of the domain refused the action. ``field_errors`` maps field names to messages."""

    status_code = 400

    def __init__(self, message="操作未能完成。", *, field_errors=None, code="invalid"):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.code = code

    def __str__(self):
        return self.message


class _Refusal(DomainError):
    """A domain error with its own status, code and default message (set as class attributes)."""

    default_message = ""
    error_code = ""

    def __init__(self, message=None, **kwargs):
        super().__init__(message or self.default_message, code=self.error_code, **kwargs)


class NotAllowed(_Refusal):
    """The user may see the record but may not do this to it."""

    status_code, error_code, default_message = 403, "not_allowed", "您没有权限执行此操作。"


class NotFound(_Refusal):
    """The record does not exist or lies outside the user's scope (we do not say which)."""

    status_code, error_code, default_message = 404, "not_found", "记录不存在或不在您的管辖范围内。"


class Conflict(_Refusal):
    """Somebody else changed the record since the user loaded it."""

    status_code, error_code = 409, "conflict"
    default_message = "该记录已被他人修改，请刷新页面后重试，您的操作未生效。"


class TransitionNotAllowed(DomainError):
    status_code = 400

    def __init__(self, message, **kwargs):
        super().__init__(message, code="transition_not_allowed", **kwargs)
