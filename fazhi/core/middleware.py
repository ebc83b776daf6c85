from contextvars import ContextVar

request_ip = ContextVar("fazhi_request_ip", default="")


def client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        # Behind the site's own reverse proxy the first address is the client's.
        return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class RequestContextMiddleware:
    """Makes the client address available to the audit log without passing the request into services."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)


class UploadLimitMiddleware:
    """Installs the size-limited upload handler before anything (the CSRF check) reads a multipart body, so an
    oversized upload stops streaming at the limit instead of filling the disk. Views see
    ``request.upload_too_large`` when it happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
            from .files import SizeLimitUploadHandler, upload_limit_for_path

            request.upload_handlers.insert(0, SizeLimitUploadHandler(request, upload_limit_for_path(request.path)))
        return self.get_response(request)
