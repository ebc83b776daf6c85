#!/bin/sh
# Serve the platform and run the background task worker beside it; stop both together.
set -e
"$BIN/python" manage.py db_worker --queue-name default >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo ""
echo "法治政府建设工作平台已启动：http://$HOST:$PORT/  （工作台：http://$HOST:$PORT/work/ ；接口文档：http://$HOST:$PORT/api/docs/）"
echo "演示账号见上方列表；按 Ctrl+C 停止。"
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload
