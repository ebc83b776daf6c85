"""Uploaded files: streamed to disk, stored once by SHA-256, type checked from content, served only through
``core:file_download`` after the owner's scope check. Never under /static, never a public MEDIA_URL."""
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction

from . import audit, clock
from .errors import DomainError

KINDS = {
    "image": {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"},
    "pdf": {"application/pdf"},
    "audio": {"audio/mpeg", "audio/x-wav", "audio/wav", "audio/mp4", "audio/aac", "audio/ogg", "audio/amr", "audio/x-flac", "audio/m4a"},
    "video": {"video/mp4", "video/quicktime", "video/x-msvideo", "video/webm", "video/x-matroska", "video/x-flv", "video/3gpp", "video/mpeg"},
    "office": {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    },
}
KIND_LABELS = {"image": "图片", "pdf": "PDF", "audio": "音频", "video": "视频", "office": "Office 文档"}
EXTENSION_KIND = {
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image", ".webp": "image", ".bmp": "image",
    ".pdf": "pdf",
    ".mp3": "audio", ".wav": "audio", ".m4a": "audio", ".aac": "audio", ".amr": "audio", ".ogg": "audio", ".flac": "audio",
    ".mp4": "video", ".mov": "video", ".avi": "video", ".webm": "video", ".mkv": "video", ".flv": "video", ".3gp": "video", ".mpg": "video",
    ".docx": "office", ".xlsx": "office",
}
log = logging.getLogger("fazhi.security")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]+")


def safe_name(name):
    """A display file name without directories, traversal, control or shell characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    name = name.replace("..", "_")
    if not name:
        name = "文件"
    stem, ext = os.path.splitext(name)
    return stem[:80] + ext[:10].lower()


def blob_path(sha256):
    return Path(settings.MEDIA_ROOT) / "blobs" / sha256[:2] / sha256[2:4] / sha256


def human_size(n):
    for unit in ["B", "KB", "MB", "GB"]:
        if n < 1024 or unit == "GB":
            return f"{n:.0f}{unit}" if unit == "B" else f"{n:.1f}{unit}"
        n /= 1024


def detect_kind(head):
    guess = filetype.guess(head)
    if guess is None:
        return None, None
    mime = guess.mime
    for kind, mimes in KINDS.items():
        if mime in mimes or (kind in {"audio", "video"} and mime.startswith(kind + "/")):
            return kind, mime
    return None, mime


def store_stream(chunks, *, original_name, allowed_kinds, max_bytes):
    """Write ``chunks`` to a temp file while hashing; check size and real type; move into the blob store.

    Returns (sha256, size, mime). Nothing is left behind when it refuses.
    """
    name = safe_name(original_name)
    tmp_dir = Path(settings.MEDIA_ROOT) / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp_path = tempfile.mkstemp(dir=tmp_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise DomainError(f"文件“{name}”超过大小上限 {human_size(max_bytes)}，未保存。", field_errors={"file": "文件过大。"})
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(f"文件“{name}”是空文件，未保存。", field_errors={"file": "文件为空。"})
        kind, mime = detect_kind(head)
        allowed_labels = "、".join(KIND_LABELS[k] for k in allowed_kinds)
        if kind not in allowed_kinds:
            raise DomainError(f"文件“{name}”的实际内容不是允许的类型（{allowed_labels}），未保存。", field_errors={"file": "文件类型不符。"})
        claimed = EXTENSION_KIND.get(os.path.splitext(name)[1].lower())
        if claimed and claimed != kind:
            raise DomainError(
                f"文件“{name}”的扩展名表明是{KIND_LABELS[claimed]}，但实际内容是{KIND_LABELS.get(kind, '其他类型')}，未保存。",
                field_errors={"file": "文件内容与扩展名不符。"})
        sha = digest.hexdigest()
        target = blob_path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_path, target)
            os.chmod(target, 0o444)
            tmp_path = None
        return sha, size, mime
    finally:
        if tmp_path and os.path.exists(tmp_path):
            os.unlink(tmp_path)


def store_upload(upload, *, owner, node, actor, allowed_kinds=("image", "pdf"), max_bytes=None, purpose="", is_public=False):
    """Store a Django UploadedFile for ``owner`` (a model instance) and audit it. Call inside the service's
    transaction; the blob itself is content-addressed, so a rolled-back transaction leaves only an unreferenced
    blob, never a half-written record."""
    from .models import StoredFile

    max_bytes = max_bytes or settings.FAZHI["UPLOAD_MAX_BYTES"]
    if getattr(upload, "size", 0) and upload.size > max_bytes:
        raise DomainError(f"文件“{safe_name(upload.name)}”超过大小上限 {human_size(max_bytes)}，未保存。", field_errors={"file": "文件过大。"})
    sha, size, mime = store_stream(upload.chunks(), original_name=upload.name, allowed_kinds=allowed_kinds, max_bytes=max_bytes)
    stored = StoredFile.objects.create(
        sha256=sha, size=size, content_type=mime, original_name=safe_name(upload.name), node=node,
        owner_type=owner._meta.label_lower, owner_id=str(owner.pk), purpose=purpose, uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=clock.now(), is_public=is_public,
    )
    audit.record(actor=actor, action="upload", obj=owner, node=node, changes={"file": stored.original_name, "sha256": sha, "size": size},
                 action_label=f"上传附件“{stored.original_name}”")
    return stored


def files_of(owner, purpose=None):
    from .models import StoredFile

    qs = StoredFile.objects.filter(owner_type=owner._meta.label_lower, owner_id=str(owner.pk)).order_by("uploaded_at", "id")
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs


# Owners whose files need a finer rule than "<app>.view on the file's node" register it here.
_access_rules = {}
_download_hooks = {}


def register_access_rule(owner_type, fn):
    """fn(user, stored_file) -> bool"""
    _access_rules[owner_type] = fn


def register_download_hook(owner_type, fn):
    """fn(user, stored_file) -> None; runs inside a transaction when the file is served (chain of custody)."""
    _download_hooks[owner_type] = fn


def may_download(user, stored):
    from . import policy

    if stored.is_public:
        return True
    rule = _access_rules.get(stored.owner_type)
    if rule:
        return bool(rule(user, stored))
    app_label = stored.owner_type.split(".")[0]
    return policy.has_perm(user, f"{app_label}.view", stored.node)


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        for chunk in iter(lambda: src.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def integrity_refusal(request, stored):
    """Re-hash the blob about to be served. ``None`` when it matches its registered SHA-256; otherwise the mismatch
    is logged as an error, written to the audit log (an alert on the owner record), and a 409 page is returned —
    a tampered or corrupted file is never served."""
    from django.shortcuts import render

    path = blob_path(stored.sha256)
    actual = file_sha256(path)
    if actual == stored.sha256:
        return None
    log.error("文件完整性告警：%s（%s #%s）登记 SHA-256 %s，实际 %s", stored.original_name, stored.owner_type,
              stored.owner_id, stored.sha256, actual)
    user = getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else "匿名访问"
    with transaction.atomic():
        audit.record(actor=actor, action="integrity_alert", object_type=stored.owner_type, object_id=stored.owner_id,
                     object_repr=stored.original_name[:255], node=stored.node,
                     changes={"file": stored.original_name, "uuid": str(stored.uuid), "sha256": stored.sha256,
                              "actual_sha256": actual},
                     action_label="文件完整性告警：内容与登记的 SHA-256 不符，已拒绝下载")
    return render(request, "core/file_refused.html", {"name": stored.original_name, "expected": stored.sha256},
                  status=409)


def on_download(user, stored):
    hook = _download_hooks.get(stored.owner_type)
    if hook:
        with transaction.atomic():
            hook(user, stored)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload body as soon as it passes the limit, so a huge file never fills the disk."""

    def __init__(self, request=None, max_bytes=None):
        super().__init__(request)
        self.max_bytes = max_bytes or settings.FAZHI["UPLOAD_MAX_BYTES"]
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.max_bytes + 1024 * 1024:
            self.exceeded = True
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_limit_for_path(path):
    """The upload size limit for a URL (evidence and ledgers have their own; everything else the general one)."""
    limits = settings.FAZHI
    for prefix, key in (("/work/enforcement/", "EVIDENCE_MAX_BYTES"), ("/api/enforcement/", "EVIDENCE_MAX_BYTES"),
                        ("/work/ledgers/", "LEDGER_MAX_BYTES"), ("/api/core/ledgers/", "LEDGER_MAX_BYTES")):
        if path.startswith(prefix):
            return limits[key]
    return limits["UPLOAD_MAX_BYTES"]


def limit_uploads(request, max_bytes=None):
    """Make sure a size-limited handler reads this request's upload. ``UploadLimitMiddleware`` already installs one
    before CSRF checking reads the body; a view may call this to tighten the limit. Never raises: once the body has
    been read the handlers are fixed and the middleware's limit applies."""
    request = getattr(request, "_request", request)  # DRF Request → Django HttpRequest
    handlers = request.upload_handlers
    existing = next((h for h in handlers if isinstance(h, SizeLimitUploadHandler)), None)
    if existing is not None:
        if max_bytes and existing.received == 0:
            existing.max_bytes = max_bytes
        return
    try:
        handlers.insert(0, SizeLimitUploadHandler(request, max_bytes))
    except AttributeError:
        pass  # upload already processed
