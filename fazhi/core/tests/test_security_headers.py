"""Headers and deployment: a strict CSP (no inline script), no-store on staff pages and the API, API schema and
docs for signed-in staff only, ``check --deploy`` clean with production settings, private files 0600."""
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db
ROOT = Path(django_settings.BASE_DIR)


def test_csp_allows_no_inline_script(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'self'" in script
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_staff_pages_and_api_are_not_cached(users, client):
    client.force_login(users.leader)
    assert "no-store" in client.get("/work/").headers["Cache-Control"]
    assert "no-store" in client.get("/api/core/me/").headers["Cache-Control"]
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_api_schema_and_docs_for_staff_only(users, client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    client.force_login(users.leader)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "<script>" not in docs.content.decode()  # the split view loads its script from a URL (CSP holds)


def _production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("FAZHI_TESTING", "DEBUG", "DATABASE_URL")}
    env.update(DEBUG="0", FAZHI_HTTPS="1", SECRET_KEY=secrets.token_urlsafe(60), FAZHI_VAR_DIR=str(tmp_path),
               ALLOWED_HOSTS="fazhi.example.gov.cn", PYTHONPATH=str(ROOT))
    return env


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=_production_env(tmp_path),
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    security = [line for line in output.splitlines() if "security." in line or "(csp." in line or "(axes." in line]
    assert result.returncode == 0, output[-3000:]
    assert security == [], "\n".join(security)


def test_secret_key_and_sqlite_database_are_private(tmp_path):
    env = _production_env(tmp_path)
    env.pop("SECRET_KEY")
    subprocess.run([sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                    "'fazhi.settings'); django.setup()"], cwd=ROOT, env=env, check=True, timeout=300)
    for name in ("secret_key", "fazhi.sqlite3"):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o600, f"{name}: {oct(mode)}"
