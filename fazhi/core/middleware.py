"""Request-level guards: the real client address (trusted proxies only), size limits on request bodies (a clean 413),
object ids outside the database's range (a 404, never a 500), and ``Cache-Control: no-store`` on pages that carry
personal data."""
import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse

request_ip = ContextVar("fazhi_request_ip", default="")

MAX_DB_INT = 2**63 - 1


@lru_cache(maxsize=8)
def _networks(entries):
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue
    return tuple(out)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in net for net in networks)


def client_ip(request):
    """The client's address. ``X-Forwarded-For`` is believed only when the socket peer is one of
    ``FAZHI_TRUSTED_PROXIES`` (addresses or CIDRs); then the rightmost hop that is not a trusted proxy is the
    client. Anyone else can write that header, so otherwise the socket address is the client."""
    remote = request.META.get("REMOTE_ADDR", "")[:64]
    networks = _networks(tuple(getattr(settings, "FAZHI_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_address(remote), networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a garbled chain: do not guess
        if not _trusted(address, networks):
            return str(address)
    return str(_address(hops[0])) if hops else remote


def axes_client_ip(request):
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same answer as the audit log and rate limits."""
    return client_ip(request)


def _clean_query(request) -> None:
    """Query parameters pass the one text policy before any view or filter sees them: NUL, other control characters
    and bidi overrides are removed (PostgreSQL refuses NUL in text; a filter must never 500 on what a URL carries)."""
    from .validators import strip_unsafe

    if not any(strip_unsafe(v) != v for values in request.GET.lists() for v in values[1]):
        return
    cleaned = request.GET.copy()
    for key, values in request.GET.lists():
        cleaned.setlist(key, [strip_unsafe(v) for v in values])
    cleaned._mutable = False
    request.GET = cleaned


def _is_private_path(path):
    return path.startswith("/work/") or path.startswith("/api/") or path.startswith("/admin/")


class RequestContextMiddleware:
    """Makes the client address available to the audit log without passing the request into services; refuses ids
    no row can have (404); marks staff pages and API answers ``no-store`` (they carry personal data)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _clean_query(request)
        token = request_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            request_ip.reset(token)
        if _is_private_path(request.path) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in list(view_args) + list(view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_DB_INT:
                raise Http404("记录不存在。")
        return None


TOO_LARGE = "提交的内容过大（超过 {mb} MB），请缩小后重试。"


def too_large_response(request, limit):
    mb = max(1, limit // 1024 // 1024)
    message = TOO_LARGE.format(mb=mb)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "too_large"}, status=413)
    from django.template.loader import render_to_string

    return HttpResponse(render_to_string("413.html", {"message": message}), status=413)


class UploadLimitMiddleware:
    """Installs the size-limited upload handler before anything (the CSRF check) reads a multipart body, so an
    oversized upload stops streaming at the limit instead of filling the disk. Views see
    ``request.upload_too_large`` when it happened.

    Bodies that announce a size over the limit are answered 413 before anything reads them: any non-multipart
    body (JSON, form posts) over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, and API multipart uploads over the path's upload
    limit (workbench pages keep their inline form message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            multipart = request.content_type == "multipart/form-data"
            if multipart:
                from .files import upload_limit_for_path

                limit = upload_limit_for_path(request.path)
                if request.path.startswith("/api/") and length > limit + 1024 * 1024:
                    return too_large_response(request, limit)
            else:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                if limit is not None and length > limit:
                    return too_large_response(request, limit)
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
            from .files import SizeLimitUploadHandler, upload_limit_for_path

            request.upload_handlers.insert(0, SizeLimitUploadHandler(request, upload_limit_for_path(request.path)))
            if not request.path.startswith("/api/"):
                # the CSRF check would parse it next anyway; parsing here turns "form fields too big" into a 413
                try:
                    request.POST  # noqa: B018
                except RequestDataTooBig:
                    return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None


class PublicScrubMiddleware:
    """Everything public passes one personal-data scrubber: the HTML of every public page and the JSON of every
    public API answer (``/api/<app>/public/…``) have ID numbers and phone numbers (in any spelling) replaced, except
    the contact numbers offices publish on purpose (``masking.register_public_contacts``). Staff pages, the staff
    API, files and answers to a resident's own form submission (POST, which may echo what they typed) are left as
    they are."""

    TYPES = ("text/html", "application/json")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        public_api = path.startswith("/api/") and "/public/" in path
        if request.method != "GET" or getattr(response, "streaming", False) or \
                (_is_private_path(path) and not public_api) or path.startswith(("/files/", "/static/", "/healthz")):
            return response
        if not response.get("Content-Type", "").startswith(self.TYPES) or response.get("Content-Disposition"):
            return response
        from .masking import scrub_public_page

        charset = response.charset or "utf-8"
        body = response.content.decode(charset, errors="replace")
        cleaned = scrub_public_page(body)
        if cleaned != body:
            response.content = cleaned.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
