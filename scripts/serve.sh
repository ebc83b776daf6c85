#!/usr/bin/env bash
# Serve the platform with gunicorn (deploy/gunicorn.conf.py) and run the django-tasks worker beside it.
# The worker is supervised: if it dies (a crash, "database is locked", kill -9) it is started again after a short
# pause. Ctrl+C (or TERM) stops both; if gunicorn stops on its own, the worker is stopped too.
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# The one-command demo: demo administrators log in without an authenticator app. A deployment leaves this unset
# (second factor required for administrators, legal reviewers and exporters; see README "部署").
export FAZHI_REQUIRE_2FA=${FAZHI_REQUIRE_2FA:-0}
mkdir -p var

supervise_worker() {
  local child=""
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
  while true; do
    "$BIN/python" manage.py jobs_worker --queue-name default >>var/worker.log 2>&1 &
    child=$!
    wait "$child"
    rc=$?
    echo "$(date '+%F %T') 后台任务进程退出（状态 $rc），2 秒后自动重启。" >>var/worker.log
    sleep 2
  done
}

supervise_worker &
SUPERVISOR=$!
"$BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "$HOST:$PORT" fazhi.wsgi:application &
WEB=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$WEB" "$SUPERVISOR" 2>/dev/null
  wait "$WEB" 2>/dev/null
  wait "$SUPERVISOR" 2>/dev/null
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

echo ""
echo "法治政府建设工作平台已启动（gunicorn）：http://$HOST:$PORT/  （工作台：http://$HOST:$PORT/work/ ；接口文档：http://$HOST:$PORT/api/docs/）"
echo "后台任务进程日志：var/worker.log（进程退出时自动重启）。演示账号见上方列表；按 Ctrl+C 停止。"
wait "$WEB"
rc=$?
echo "网页服务已停止（状态 $rc），同时停止后台任务进程。" >&2
exit "$rc"
