#!/bin/sh
# What the tests and the PDF need from Debian, never a download of its own: chromium (end-to-end tests through
# Playwright), fonts-noto-cjk (Chinese in the browser) and fonts-arphic-uming (a TrueType Chinese font reportlab embeds
# in PDFs when LibreOffice is not installed). Installed with apt when missing and running as root.
have_font() { [ -e /usr/share/fonts/truetype/arphic/uming.ttc ]; }
if command -v chromium >/dev/null 2>&1 && have_font; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 Debian chromium 与中文字体（端到端测试与 PDF 用）…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-arphic-uming >/dev/null 2>&1 || true
fi
if ! have_font; then echo "提示：未安装 fonts-arphic-uming，PDF 将只提供 Word 版（或安装 LibreOffice）。"; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$CI" = "true" ]; then echo "CI 需要 chromium，但无法安装" >&2; exit 1; fi
echo "提示：未安装 chromium，浏览器端到端测试将被跳过（以 root 运行 make test 可自动安装）。"
