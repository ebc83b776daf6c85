#!/bin/sh
# End-to-end tests drive Debian's chromium with Playwright (never a browser download). Install it when missing.
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 Debian chromium（端到端测试用）…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || true
fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$CI" = "true" ]; then echo "CI 需要 chromium，但无法安装" >&2; exit 1; fi
echo "提示：未安装 chromium，浏览器端到端测试将被跳过（以 root 运行 make test 可自动安装）。"
