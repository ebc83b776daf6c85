"""Backups and restores of the whole platform: the database (SQLite's online backup API, which includes what is
still in the WAL, or ``pg_dump -Fc``), the uploaded files (MEDIA_ROOT, content-addressed blobs) and a manifest
with SHA-256 checksums and the audit chain heads at backup time. A restore checks the manifest first, and is
verified with ``verify_audit`` (and ``verify_evidence`` where that command exists)."""
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import connection, connections

from . import audit, clock
from .errors import DomainError
from .files import file_sha256 as sha256_of

PREFIX = "fazhi-"
DB_SQLITE, DB_PG, MEDIA = "database.sqlite3", "database.pgdump", "media.tar"


def _pg_params():
    """Connection parameters for pg_dump/pg_restore: ``BACKUP_DATABASE_URL`` (the owner role) or Django's."""
    url = os.environ.get("BACKUP_DATABASE_URL")
    db = connection.settings_dict
    if url:
        u = urlparse(url)
        params = {"host": u.hostname or "", "port": str(u.port or ""), "user": unquote(u.username or ""),
                  "password": unquote(u.password or ""), "name": unquote(u.path.lstrip("/")) or db["NAME"]}
    else:
        params = {"host": db.get("HOST") or "", "port": str(db.get("PORT") or ""), "user": db.get("USER") or "",
                  "password": db.get("PASSWORD") or "", "name": db["NAME"]}
    args = []
    for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if params[key]:
            args += [flag, params[key]]
    env = dict(os.environ)
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    return args, env, params["name"]


def _run(cmd, env):
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DomainError(f"{cmd[0]} 失败：{result.stderr.strip()[:500]}")


def create(dest, *, now=None):
    """Write one backup directory under ``dest``; return its path."""
    audit.seal_all()
    try:
        audit.anchor(reason="备份")
    except OSError:
        pass  # anchoring is checked by verify_audit; a backup must not fail for it
    now = now or clock.now()
    name = PREFIX + now.astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    dest = Path(dest)
    work = dest / (name + ".partial")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    os.chmod(work, 0o700)
    files = {}
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(work / DB_SQLITE)
        try:
            connection.connection.backup(target)  # consistent, and includes what is still in the WAL
        finally:
            target.close()
        files["database"] = DB_SQLITE
    elif connection.vendor == "postgresql":
        args, env, dbname = _pg_params()
        _run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(work / DB_PG), dbname], env)
        files["database"] = DB_PG
    else:
        raise DomainError(f"不支持备份 {connection.vendor} 数据库。")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(work / MEDIA, "w") as tar:
        if media.exists():
            for entry in sorted(media.iterdir()):
                if entry.name != "tmp":
                    tar.add(entry, arcname=entry.name)
    files["media"] = MEDIA
    manifest = {
        "format": 1, "created_at": now.isoformat(), "vendor": connection.vendor,
        "files": {role: {"name": fname, "size": (work / fname).stat().st_size, "sha256": sha256_of(work / fname)}
                  for role, fname in files.items()},
        "audit_heads": [[c, s, h] for c, s, h in audit.heads()],
    }
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    final = dest / name
    work.rename(final)
    return final


def check(path):
    """Read a backup's manifest and check every file's checksum; return the manifest or raise DomainError."""
    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise DomainError(f"备份 {path} 没有可读的清单（manifest.json）：{exc}") from exc
    for role, info in manifest["files"].items():
        f = path / info["name"]
        if not f.exists():
            raise DomainError(f"备份缺少文件 {info['name']}（{role}）。")
        if sha256_of(f) != info["sha256"]:
            raise DomainError(f"备份文件 {info['name']} 的 SHA-256 与清单不符：备份已损坏或被改动，拒绝恢复。")
    return manifest


def restore(path):
    """Replace the database and the uploaded files with a checked backup. Returns the manifest."""
    path = Path(path)
    manifest = check(path)
    if manifest["vendor"] != connection.vendor:
        raise DomainError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}，不能直接恢复。")
    db_file = path / manifest["files"]["database"]["name"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise DomainError("恢复不能在事务中进行。")
        source = sqlite3.connect(db_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env, dbname = _pg_params()
        connections.close_all()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, "-d", dbname,
              str(db_file)], env)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path / manifest["files"]["media"]["name"]) as tar:
        tar.extractall(media, filter="data")
    heads = {c: (s, h) for c, s, h in audit.heads()}
    for chain, seq, digest in manifest["audit_heads"]:
        if heads.get(chain) != (seq, digest):
            raise DomainError(f"恢复后审计链 {chain} 的链头与备份清单不符。")
    _mark_restore(manifest)
    return manifest


def _mark_restore(manifest):
    """Record the restore in the anchor log: anchors written after the backup, beyond the restored heads, describe
    events this restore has undone; verify_audit lists them as a note instead of failing on them."""
    path = audit.anchor_log_path()
    if path is None:
        return
    key = audit.anchor_key()
    at = clock.now().astimezone(datetime.UTC).isoformat()
    reason = f"从备份恢复（备份时间 {manifest['created_at']}）"
    entries = [{"v": 1, "kind": "restore", "at": at, "reason": reason, "chain": c, "seq": s, "hash": h}
               for c, s, h in manifest["audit_heads"]]
    known = {c for c, _s, _h in manifest["audit_heads"]}
    with_seq = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("chain") and entry["chain"] not in known:
                with_seq[entry["chain"]] = True
    entries += [{"v": 1, "kind": "restore", "at": at, "reason": reason, "chain": c, "seq": 0, "hash": audit.GENESIS_HASH}
                for c in with_seq]  # chains that did not exist yet at backup time
    audit._append(path, entries, key)


def prune(dest, *, keep_daily, keep_monthly):
    """Keep the newest backup of each of the last ``keep_daily`` days and of each of the last ``keep_monthly``
    months; delete the rest. Returns the deleted paths."""
    dest = Path(dest)
    backups = sorted((p for p in dest.glob(PREFIX + "*") if p.is_dir() and not p.name.endswith(".partial")),
                     key=lambda p: p.name, reverse=True)
    keep, days, months = set(), [], []
    for p in backups:
        stamp = p.name[len(PREFIX):]
        day, month = stamp[:8], stamp[:6]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(p)
        if month not in months and len(months) < keep_monthly:
            months.append(month)
            keep.add(p)
    removed = [p for p in backups if p not in keep]
    for p in removed:
        shutil.rmtree(p)
    return removed
