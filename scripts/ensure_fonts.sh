#!/bin/sh
# The PDF of a report embeds a TrueType Chinese font when LibreOffice is not installed: Debian's fonts-arphic-uming.
# Installed with apt when missing and running as root; otherwise the PDF pages say to use the Word version.
[ -e /usr/share/fonts/truetype/arphic/uming.ttc ] && exit 0
command -v soffice >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装中文字体 fonts-arphic-uming（PDF 嵌入字体用）…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming >/dev/null 2>&1 || true
fi
[ -e /usr/share/fonts/truetype/arphic/uming.ttc ] || echo "提示：未安装 fonts-arphic-uming，PDF 将只提供 Word 版（或安装 LibreOffice）。"
exit 0
