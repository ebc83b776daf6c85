#!/usr/bin/env bash
# `make prod-check`: the production layout, locally, on a throw-away PostgreSQL database.
#   - two roles: an owner that runs migrations and owns every table, and the application role gunicorn logs in as
#     (it cannot TRUNCATE, DISABLE or DROP the audit triggers, nor rewrite audit events)
#   - DEBUG off, a fresh SECRET_KEY, a private var/ directory, collectstatic, `check --deploy`
#   - gunicorn with deploy/gunicorn.conf.py on a loopback port; smoke tests (public home, /healthz, static, login)
#   - then stops gunicorn and drops the database and roles, whatever happened.
set -u
BIN=${BIN:-.venv/bin}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${PROD_CHECK_PORT:-$((18000 + RANDOM % 1000))}
DEPLOY_FAIL_LEVEL=${DEPLOY_FAIL_LEVEL:-ERROR}
SUFFIX=$$
DB=fazhi_prodcheck_$SUFFIX
OWNER=fazhi_pc_owner_$SUFFIX
APP=fazhi_pc_app_$SUFFIX
APP_PW=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
WORK=$(mktemp -d)
WEB=""

psql_admin() { psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -q "$@"; }
host_part=$("$BIN/python" -c "import sys,urllib.parse as u;p=u.urlparse(sys.argv[1]);print(f'{p.hostname or \"127.0.0.1\"}:{p.port or 5432}')" "$PG_ADMIN_URL")

cleanup() {
  if [ -n "$WEB" ]; then kill -TERM "$WEB" 2>/dev/null; wait "$WEB" 2>/dev/null; fi
  psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  psql_admin -c "DROP ROLE IF EXISTS $APP" -c "DROP ROLE IF EXISTS $OWNER" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "生产布局检查失败：$*" >&2; exit 1; }

command -v psql >/dev/null || fail "需要 psql（apt-get install postgresql-client）"
psql_admin -c "SELECT 1" >/dev/null || fail "PostgreSQL 不可达：$PG_ADMIN_URL（用 PG_ADMIN_URL 指定管理连接）"

echo "== 1. 临时数据库 $DB，属主角色 $OWNER，应用角色 $APP =="
psql_admin -c "CREATE ROLE $OWNER LOGIN PASSWORD '$APP_PW'" -c "CREATE ROLE $APP LOGIN PASSWORD '$APP_PW'" \
  -c "CREATE DATABASE $DB OWNER $OWNER" || fail "无法建库"
psql_admin -d "$DB" -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" -c "ALTER SCHEMA public OWNER TO $OWNER" >/dev/null

export DEBUG=0 FAZHI_VAR_DIR="$WORK/var" MEDIA_ROOT="$WORK/media" ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60)
export FAZHI_ANCHOR_KEY=$(head -c 32 /dev/urandom | base64)
export FAZHI_DATA_KEY=$(head -c 64 /dev/urandom | base64 -w0)
OWNER_URL="postgres://$OWNER:$APP_PW@$host_part/$DB"
APP_URL="postgres://$APP:$APP_PW@$host_part/$DB"

echo "== 2. 迁移（以属主角色）并授权应用角色 =="
DATABASE_URL=$OWNER_URL "$BIN/python" manage.py migrate --noinput -v0 || fail "migrate 失败"
psql "$OWNER_URL" -v ON_ERROR_STOP=1 -q -v owner="$OWNER" -v app="$APP" -f scripts/pg_roles.sql || fail "授权失败"

echo "== 3. collectstatic 与 check --deploy（DEBUG 关闭）=="
DATABASE_URL=$APP_URL "$BIN/python" manage.py collectstatic --noinput -v0 || fail "collectstatic 失败"
DATABASE_URL=$APP_URL "$BIN/python" manage.py check --deploy --fail-level "$DEPLOY_FAIL_LEVEL" || fail "check --deploy 未通过"

echo "== 4. 应用角色不能绕过审计保护 =="
for sql in "TRUNCATE core_auditevent" "ALTER TABLE core_auditevent DISABLE TRIGGER ALL" "DROP TABLE core_auditevent" \
           "UPDATE core_auditevent SET reason = 'x'" "DELETE FROM core_auditchainhead"; do
  if psql "$APP_URL" -q -c "$sql" >/dev/null 2>&1; then fail "应用角色竟能执行：$sql"; fi
  echo "  已拒绝：$sql"
done

echo "== 5. 建立冒烟测试账号并启动 gunicorn（127.0.0.1:$PORT）=="
SMOKE_PW=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
DATABASE_URL=$APP_URL SMOKE_PW=$SMOKE_PW "$BIN/python" manage.py shell -c "
import os
from django.db import transaction
from fazhi.core import services
with transaction.atomic():
    services.user_create(actor='生产布局检查', username='smoke', full_name='冒烟测试', password=os.environ['SMOKE_PW'])
" || fail "无法建立测试账号"
DATABASE_URL=$APP_URL GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG="$WORK/access.log" \
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" fazhi.wsgi:application >"$WORK/gunicorn.log" 2>&1 &
WEB=$!
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$WEB" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; fail "gunicorn 未能启动"; }
  sleep 0.5
done

echo "== 6. 冒烟测试 =="
"$BIN/python" scripts/smoke.py "http://127.0.0.1:$PORT" smoke "$SMOKE_PW" || { tail -n 30 "$WORK/gunicorn.log" >&2; fail "冒烟测试未通过"; }
DATABASE_URL=$APP_URL "$BIN/python" manage.py verify_audit || fail "审计链校验未通过"
echo "  访问日志：$(wc -l <"$WORK/access.log") 行"

echo "生产布局检查通过：PostgreSQL（属主/应用两个角色）、DEBUG 关闭、gunicorn、静态文件、登录、审计链。"
