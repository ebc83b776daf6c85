"""Smoke-test a running server: public home, /healthz, static files and a staff login (used by `make prod-check`).

usage: python scripts/smoke.py http://127.0.0.1:18123 USERNAME PASSWORD
Exits non-zero with a message on the first failure.
"""
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


def main(base, username, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(path, expect=200):
        try:
            response = opener.open(base + path, timeout=20)
            status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        if status != expect:
            sys.exit(f"冒烟测试失败：GET {path} 返回 {status}，应为 {expect}\n{body[:500]!r}")
        print(f"  GET {path} → {status}")
        return body.decode("utf-8", "replace")

    home = get("/")
    css = re.search(r'href="(/static/[^"]+\.css)"', home)
    if css:
        get(css.group(1))
    health = get("/healthz")
    if '"database": "ok"' not in health and '"database":"ok"' not in health:
        sys.exit(f"冒烟测试失败：/healthz 未报告数据库正常：{health}")
    login_page = get("/work/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
    if not token:
        sys.exit("冒烟测试失败：登录页没有 CSRF 令牌")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                                   "password": password}).encode()
    request = urllib.request.Request(base + "/work/login/", data=data, headers={"Referer": base + "/work/login/"})
    response = opener.open(request, timeout=20)
    page = response.read().decode("utf-8", "replace")
    if response.status != 200 or "/work/login/" in response.geturl():
        sys.exit(f"冒烟测试失败：登录后停在 {response.geturl()}（{response.status}）\n{page[:500]}")
    print(f"  POST /work/login/ → {response.geturl().replace(base, '')}（已登录）")
    get("/work/")


if __name__ == "__main__":
    main(*sys.argv[1:4])
