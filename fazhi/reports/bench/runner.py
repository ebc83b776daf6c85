"""The benchmark's three phases (each in its own process, on the bench database) and its table."""
import datetime
import random
import resource
import statistics
import time
import uuid
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

YEARS = (2020, 2021, 2022, 2023, 2024)
YEAR = 2024
SUBDISTRICTS = 10
VILLAGES = 13
BATCH = 5000
TITLES = ["邻里土地边界纠纷", "婚姻家庭矛盾调解", "劳动报酬拖欠纠纷", "物业服务费用争议", "宅基地使用权纠纷", "合同债务清偿争议",
          "交通事故损害赔偿", "拆迁安置补偿争议", "噪音扰民投诉", "赡养老人纠纷"]

# section: (app label, model, bench size key, list url, detail url, api url, search word)
SECTIONS = [
    ("矛盾纠纷", "disputes", "Dispute", "disputes", ("disputes:list",), ("disputes:detail",),
     ("api_disputes_list", "api_disputes_disputes", "api_disputes_dispute_list"), "纠纷"),
    ("执法案件", "enforcement", "Case", "cases", ("enforcement:case_list", "enforcement:cases"),
     ("enforcement:case_detail", "enforcement:case"), ("api_enforcement_cases", "api_enforcement_case_list"), "纠纷"),
    ("法律服务", "legalservice", "ServiceRecord", "services", ("legalservice:services",),
     ("legalservice:service_detail",), ("api_legalservice_services",), "纠纷"),
    ("主动公开", "governance", "DisclosureItem", "disclosure", ("governance:items",), ("governance:item_detail",),
     ("api_governance_items",), "纠纷"),
]
API_MOUNTS = {"disputes": "disputes", "enforcement": "enforcement", "legalservice": "legal", "governance": "governance"}


def _first_url(names, *args):
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def _api_fallback(app):
    """The first API route of the app without parameters (when its list route has another name)."""
    from importlib import import_module

    try:
        patterns = import_module(f"fazhi.{app}.api").urlpatterns
    except (ImportError, AttributeError):
        return None
    for p in patterns:
        route = str(p.pattern)
        if "<" not in route and "(?P" not in route:
            return f"/api/{API_MOUNTS[app]}/{route.lstrip('^').rstrip('$')}"
    return None


def _rand_date(rng):
    year = rng.choice(YEARS)
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def _aware(day, rng=None):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, (rng.randrange(60) if rng else 0))))


class Filler:
    """Fills required fields nobody named (so the bench survives other apps adding fields) and makes one instance
    of any other model a record needs (kinds, subjects, advisors, categories)."""

    def __init__(self, user, villages):
        self.user, self.villages, self.made, self.counter = user, villages, {}, 0

    def guess(self, f, i):
        from fazhi.core.models import OrgNode

        if isinstance(f, models.ForeignKey):
            rel = f.related_model
            if rel is OrgNode:
                return self.villages[i % len(self.villages)]
            if rel._meta.label_lower == self.user._meta.label_lower:
                return self.user
            return self.instance(rel)
        if f.choices:
            return f.choices[0][0] if f.choices[0][0] != "" or len(f.choices) == 1 else f.choices[1][0]
        if isinstance(f, models.UUIDField):
            return uuid.uuid4()
        if isinstance(f, models.EmailField):
            return f"bench{i}@example.org"
        if isinstance(f, (models.CharField, models.SlugField)):
            return f"b{i}-{uuid.uuid4().hex[:8]}"[: f.max_length or 20]
        if isinstance(f, models.TextField):
            return "基准测试"
        if isinstance(f, models.DateTimeField):
            return _aware(datetime.date(YEAR, 1, 1))
        if isinstance(f, models.DateField):
            return datetime.date(YEAR, 1, 1)
        if isinstance(f, models.DecimalField):
            return Decimal("1")
        if isinstance(f, models.FloatField):
            return 1.0
        if isinstance(f, (models.IntegerField, models.BigIntegerField, models.PositiveIntegerField, models.SmallIntegerField)):
            return 1
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, models.JSONField):
            return {}
        return None

    def build(self, model, overrides, i):
        values = {}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in overrides or f.attname in overrides:
                continue
            if f.has_default() or f.null or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            if f.blank and isinstance(f, (models.CharField, models.TextField)) and not f.unique:
                continue
            values[f.name] = self.guess(f, i)
        values.update(overrides)
        return model(**values)

    def instance(self, model):
        key = model._meta.label_lower
        if key not in self.made:
            self.counter += 1
            obj = self.build(model, {}, self.counter)
            obj.save()
            self.made[key] = obj
        return self.made[key]


def _setup_org():
    from fazhi.core import services
    from fazhi.core.models import OrgNode
    from fazhi.core.roles import Role

    district = OrgNode.objects.filter(name="基准区").first()
    if district is None:
        district = services.org_node_create(actor="基准测试", parent=None, name="基准区", kind="district", check_scope=False)
        for s in range(SUBDISTRICTS):
            sub = services.org_node_create(actor="基准测试", parent=district, name=f"基准街道{s + 1:02d}", check_scope=False)
            for v in range(VILLAGES):
                village = services.org_node_create(actor="基准测试", parent=sub, name=f"基准街道{s + 1:02d}第{v + 1:02d}村",
                                                   check_scope=False)
                services.org_node_create(actor="基准测试", parent=village, name=f"{village.name}网格", check_scope=False)
        sub1 = OrgNode.objects.get(name="基准街道01")
        services.user_create(actor="基准测试", username="bench", full_name="基准管理员", password=None,
                             memberships=[(sub1, Role.ADMIN, None)])
    return district


def sync_schema():
    """Migrate, then repair drift on the reused bench database: while apps are being built they may rewrite their
    initial migration (already recorded as applied here), so add any table or nullable/defaulted column the
    models have and the file lacks. Only for the throw-away bench database."""
    call_command("migrate", verbosity=0, interactive=False)
    repaired = []
    with connection.cursor() as cur:
        tables = set(connection.introspection.table_names(cur))
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            table = model._meta.db_table
            if table not in tables:
                with connection.schema_editor() as editor:
                    editor.create_model(model)
                repaired.append(table)
                continue
            columns = {c.name for c in connection.introspection.get_table_description(cur, table)}
            for field in model._meta.local_fields:
                if field.column and field.column not in columns and (field.null or field.has_default()):
                    with connection.schema_editor() as editor:
                        editor.add_field(model, field)
                    repaired.append(f"{table}.{field.column}")
    return repaired


def _bulk(model, rows):
    for k in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[k:k + BATCH], batch_size=1000)


def _model(app, name):
    try:
        return apps.get_model(app, name)
    except LookupError:
        return None


def _publication_due_fn(Case):
    """Case.publication_due as the enforcement service stores it when a decision is made (cached per day and rule),
    or None if the model has no such field."""
    try:
        Case._meta.get_field("publication_due")
        from fazhi.core import workdays
        from fazhi.core.errors import DomainError
        from fazhi.enforcement.services import CachedCalendar, publication_rule
    except Exception:  # noqa: BLE001 - a model that changed shape: leave the field to the filler
        return None
    cal, rules, cache = CachedCalendar(), {}, {}

    def due(day, result=""):
        code = publication_rule(result)
        if (day, code) not in cache:
            try:
                if code not in rules:
                    rules[code] = workdays.rule(code)
                cache[day, code] = workdays.compute_deadline(code, day, cal=cal, rule_obj=rules[code]).due
            except DomainError:
                cache[day, code] = None
        return cache[day, code]
    return due


def build(*, label, sizes, repeat):
    sync_schema()
    from fazhi.core import audit, search
    from fazhi.core.models import AuditChainHead, AuditEvent, OrgNode, User

    notes = {}
    district = _setup_org()
    user = User.objects.get(username="bench")
    villages = list(OrgNode.objects.filter(kind="village", path__startswith=district.path).order_by("path"))
    grids = {g.parent_id: g for g in OrgNode.objects.filter(kind="grid", path__startswith=district.path)}
    filler = Filler(user, villages)
    rng = random.Random(2024)
    texts = {t: search.search_text(t, "双方当事人就" + t + "发生争议，经调解") for t in TITLES}
    now = timezone.now()

    def need(key, model):
        have = model.objects.count()
        return max(0, sizes[key] - have)

    def fill(app, model_name, key, rows_of):
        """``model_name``'s rows up to ``sizes[key]``, ``rows_of(Model)`` giving row ``i``'s fields; a model that
        changed shape: the section is skipped and the note says why. The model (None when the app has none)."""
        Model = _model(app, model_name)
        if Model is None:
            return None
        try:
            n = need(key, Model)
            row = rows_of(Model)
            _bulk(Model, [filler.build(Model, row(i), i) for i in range(n)])
        except Exception as exc:  # noqa: BLE001
            notes[app] = f"生成失败：{exc}"[:200]
        return Model

    def dispute_rows(Dispute):
        def row(i):
            v = villages[i % len(villages)]
            t = TITLES[i % len(TITLES)]
            received = _rand_date(rng)
            resolved = received + datetime.timedelta(days=rng.randrange(40)) if i % 3 else None
            return dict(
                node=v, village=v, grid=grids.get(v.pk), tracking_code=f"B{label}{i:09d}"[:16],
                status="closed" if resolved else rng.choice(["accepted", "in_mediation", "assigned"]),
                level=rng.choice(["grid", "village", "subdistrict"]), channel=rng.choice(["online", "walk_in", "patrol"]),
                title=t, description="双方当事人就" + t + "发生争议", contact_phone="13800000000", received_on=received,
                accepted_on=received, resolved_on=resolved, closed_on=resolved,
                due_date=received + datetime.timedelta(days=30), search_text=texts[t], created_by=user,
                created_at=_aware(received, rng), updated_at=now)
        return row

    def case_rows(Case):
        publication_due = _publication_due_fn(Case)

        def row(i):
            t = TITLES[i % len(TITLES)]
            filed = _rand_date(rng)
            decided = filed + datetime.timedelta(days=rng.randrange(60)) if i % 2 else None
            extra = {"publication_due": publication_due(decided)} if publication_due and decided else {}
            return dict(
                node=villages[i % len(villages)], number=f"基准执法〔{filed.year}〕{i}号", title=t,
                party_kind="organisation", party_name=f"基准公司{i}", facts="违法事实", status="closed" if decided else "filed",
                created_at=_aware(filed, rng), created_by=user, filed_on=filed, decided_on=decided,
                closed_on=decided, search_text=texts[t], **extra)
        return row

    def service_rows(ServiceRecord):
        kinds = [c[0] for c in ServiceRecord._meta.get_field("kind").choices]

        def row(i):
            day = _rand_date(rng)
            return dict(
                node=villages[i % len(villages)], kind=kinds[i % len(kinds)], date=day, title=TITLES[i % len(TITLES)],
                people_served=rng.randrange(1, 60), created_by=user, created_at=_aware(day, rng))
        return row

    def disclosure_rows(DisclosureItem):
        subs = list(OrgNode.objects.filter(kind="subdistrict", parent=district))

        def row(i):
            t = TITLES[i % len(TITLES)]
            formed = _rand_date(rng)
            published = formed + datetime.timedelta(days=rng.randrange(30))
            return dict(
                node=subs[i % len(subs)], title=f"关于{t}的公告", body="公告正文", formed_on=formed, publisher=user,
                published_at=_aware(published, rng), published_on=published,
                due_date=formed + datetime.timedelta(days=28), is_timely=published <= formed + datetime.timedelta(days=28),
                search_text=texts[t])
        return row

    Dispute = fill("disputes", "Dispute", "disputes", dispute_rows)
    Case = fill("enforcement", "Case", "cases", case_rows)
    ServiceRecord = fill("legalservice", "ServiceRecord", "services", service_rows)
    DisclosureItem = fill("governance", "DisclosureItem", "disclosure", disclosure_rows)

    # 1M audit events with a valid hash chain per subdistrict (so verify_audit has real work to do).
    existing = AuditEvent.objects.count()
    missing = sizes["audit"] - existing
    if missing > 0:
        subs = list(OrgNode.objects.filter(kind="subdistrict", parent=district).order_by("path"))
        per_chain = missing // len(subs) + 1
        for sub in subs:
            chain = audit.chain_for_node(sub)
            with transaction.atomic():
                head = AuditChainHead.objects.select_for_update().filter(chain=chain).first() or \
                    AuditChainHead.objects.create(chain=chain)
                seq, prev = head.last_seq, head.last_hash
                batch = []
                base = timezone.now()
                for k in range(min(per_chain, missing)):
                    seq += 1
                    fields = dict(chain=chain, seq=seq, at=base, actor_id=user.pk, actor_label="基准管理员", ip="",
                                  action="update", action_label="修改", object_type="bench.record", object_id=str(k),
                                  object_repr=f"基准记录{k}", node_id=sub.pk, changes={"status": ["a", "b"]}, reason="",
                                  is_public=False, prev_hash=prev)
                    fields["hash"] = prev = audit.compute_hash(**fields)
                    batch.append(AuditEvent(**fields))
                    if len(batch) >= BATCH:
                        AuditEvent.objects.bulk_create(batch, batch_size=1000)
                        batch = []
                if batch:
                    AuditEvent.objects.bulk_create(batch, batch_size=1000)
                missing -= min(per_chain, missing)
                head.last_seq, head.last_hash = seq, prev
                head.save()
            if missing <= 0:
                break
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    counts = {}
    for key, model in (("disputes", Dispute), ("cases", Case), ("services", ServiceRecord), ("disclosure", DisclosureItem)):
        counts[key] = model.objects.count() if model is not None else None
    counts["audit"] = AuditEvent.objects.count()
    return {"counts": counts, "notes": notes}


def _times(fn, repeat):
    fn()  # warm-up (caches, first-query compilation)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    out.sort()
    p95 = out[min(len(out) - 1, max(0, int(round(0.95 * len(out))) - 1))]
    return statistics.median(out), p95


def measure(*, label, sizes, repeat):
    from django.conf import settings
    from django.test import Client

    from fazhi.core.models import OrgNode, User
    from fazhi.reports.management.commands.draft_report import draft_blocks

    sync_schema()  # other apps may have changed their models since the build
    settings.ALLOWED_HOSTS = list(settings.ALLOWED_HOSTS) + ["testserver"]
    settings.DEBUG = False
    user = User.objects.get(username="bench")
    sub = OrgNode.objects.get(name="基准街道01")
    client = Client()
    client.force_login(user)
    rows = []

    def page(name, kind, url, n=repeat):
        status = {}

        def hit():
            r = client.get(url)
            status["code"] = r.status_code
        try:
            p50, p95 = _times(hit, n)
        except Exception as exc:  # noqa: BLE001 - a page that fails is reported, the rest still measured
            rows.append({"name": f"{name}（出错）", "kind": "skip", "note": f"{type(exc).__name__}: {exc}"[:120]})
            return
        note = "" if status.get("code") == 200 else f"HTTP {status.get('code')}"
        rows.append({"name": name, "kind": kind, "p50": p50, "p95": p95, "note": note})

    for title, app, model_name, _size, list_names, detail_names, api_names, word in SECTIONS:
        model = _model(app, model_name)
        if model is None:
            rows.append({"name": f"{title}（{app} 尚无模型，跳过）", "kind": "skip"})
            continue
        list_url = _first_url(list_names)
        if list_url is None:
            rows.append({"name": f"{title}列表（页面未就绪，跳过）", "kind": "skip"})
        else:
            page(f"{title}列表", "page", list_url)
            page(f"{title}检索", "page", f"{list_url}?q={word}")
        obj = model.objects.filter(node__path__startswith=sub.path).order_by("-pk").first()
        detail_url = _first_url(detail_names, obj.pk) if obj is not None else None
        if detail_url:
            page(f"{title}详情", "page", detail_url)
        else:
            rows.append({"name": f"{title}详情（无详情页，跳过）", "kind": "skip"})
        api_url = _first_url(api_names) or _api_fallback(app)
        if api_url:
            page(f"{title}接口", "page", api_url)
        else:
            rows.append({"name": f"{title}接口（未就绪，跳过）", "kind": "skip"})
    from fazhi.core import figures

    keys = [k for k in ("disputes.resolved", "enforcement.cases_filed", "legalservice.services",
                        "governance.disclosure_published") if figures.get(k)]
    page("指标接口 /api/figures/（汇总）", "aggregate", f"/api/figures/?keys={','.join(keys)}&node={sub.pk}&year={YEAR}")
    page("领导驾驶舱（数据）", "dashboard", f"/work/reports/dashboard/data/?node={sub.pk}&year={YEAR}", max(3, repeat // 4))
    try:
        p50, p95 = _times(lambda: draft_blocks(sub, YEAR), 3)
        rows.append({"name": "街道年度报告起草", "kind": "report", "p50": p50, "p95": p95, "note": ""})
    except Exception as exc:  # noqa: BLE001
        rows.append({"name": "街道年度报告起草（出错）", "kind": "skip", "note": f"{type(exc).__name__}: {exc}"[:120]})
    return {"rows": rows}


def verify(*, label, sizes, repeat):
    from fazhi.core import audit

    call_command("migrate", verbosity=0, interactive=False)
    import inspect
    import os

    workers = min(2, os.cpu_count() or 1)  # as `manage.py verify_audit` does
    kwargs = {"workers": workers} if "workers" in inspect.signature(audit.verify).parameters else {}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    checked, broken = audit.verify(**kwargs)
    elapsed = time.perf_counter() - t0
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    note = (f"{checked} 条，{kwargs.get('workers', 1)} 进程，主进程内存增长 {grown:.0f}MB"
            + (f"，子进程峰值 {child:.0f}MB" if child else "") + ("，链断裂！" if broken else ""))
    rows = [{"name": "审计链校验 verify_audit", "kind": "verify", "p50": elapsed, "p95": elapsed, "note": note}]
    # The verify phase also measures throughput: both exercise the whole stack rather than one page.
    rows.append(throughput())
    return {"rows": rows}


def _fetch_n(port, url, cookie, n):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(n):
        try:
            conn.request("GET", url, headers={"Cookie": cookie})
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


THROUGHPUT_CLIENTS = 8
THROUGHPUT_SECONDS = 10.0
THROUGHPUT_MAX_REQUESTS = 4000


def throughput(clients=THROUGHPUT_CLIENTS, seconds=THROUGHPUT_SECONDS, max_requests=THROUGHPUT_MAX_REQUESTS):
    """Requests/s of a 20-row list page under ``clients`` concurrent keep-alive clients against gunicorn
    (deploy/gunicorn.conf.py) on a loopback port, for at most ``seconds`` and ``max_requests``; then stop it."""
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import threading

    from django.conf import settings
    from django.test import Client

    from fazhi.core.models import User

    name = f"吞吐量：纠纷列表（{clients} 并发，gunicorn）"
    url = _first_url(SECTIONS[0][4]) or "/"
    user = User.objects.get(username="bench")
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("FAZHI_TESTING",)}
    env.update(DEBUG="0", GUNICORN_ACCESS_LOG="/dev/null", GUNICORN_LOG_LEVEL="warning")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not os.path.exists(gunicorn):
        return {"name": name, "kind": "skip", "note": "未安装 gunicorn"}
    server = subprocess.Popen([gunicorn, "-c", str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"), "--bind",
                               f"127.0.0.1:{port}", "fazhi.wsgi:application"], cwd=settings.BASE_DIR, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                return {"name": name, "kind": "skip", "note": "gunicorn 未能启动"}
            time.sleep(0.3)
        # Warm-up (not timed): every worker process imports lazily loaded modules and compiles templates once.
        warm = [threading.Thread(target=_fetch_n, args=(port, url, cookie, 3)) for _ in range(clients)]
        for t in warm:
            t.start()
        for t in warm:
            t.join(120)
        latencies, failures, lock = [], [], threading.Lock()
        budget = {"left": max_requests}
        stop_at = time.monotonic() + seconds

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop_at:
                with lock:
                    if budget["left"] <= 0:
                        return
                    budget["left"] -= 1
                t0 = time.perf_counter()
                try:
                    conn.request("GET", url, headers={"Cookie": cookie})
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    (latencies if ok else failures).append(time.perf_counter() - t0)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 60)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    if not latencies:
        return {"name": name, "kind": "skip", "note": f"没有成功的请求（失败 {len(failures)} 次）"}
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return {"name": name, "kind": "throughput", "rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p95": p95, "note": f"{len(latencies)} 次成功、{len(failures)} 次失败，{elapsed:.1f} 秒；{url}"}


PAGE_RATIO = 1.5  # a page at full scale within 1.5× of its 1k time (issue 16)


def fmt_ms(v):
    return f"{v * 1000:.0f}ms"


def table(results, targets):
    small, full = results.get("1k", {"rows": []}), results.get("full", {"rows": []})
    by_name = {r["name"]: r for r in small["rows"]}
    lines = []
    for lab, res in results.items():
        build = res.get("build", {})
        counts = build.get("counts", {})
        lines.append(f"数据集 {lab}: " + "，".join(f"{k}={v if v is not None else '无模型'}" for k, v in counts.items()))
        for app, note in build.get("notes", {}).items():
            lines.append(f"  注意 {app}: {note}")
    header = f"| {'项目':<22} | 1k p50 | 1k p95 | 全量 p50 | 全量 p95 | 倍数 | 目标 | 结果 | 说明 |"
    lines += ["", header, "|" + "---|" * 9]
    names = [r["name"] for r in full["rows"]]
    names += [r["name"] for r in small["rows"] if r["name"] not in names]  # rows measured at 1k only (imports)
    for name in names:
        f = next((r for r in full["rows"] if r["name"] == name), None)
        s = by_name.get(name)
        row = f or s
        if row.get("kind") == "skip" or "p95" not in row:
            lines.append(f"| {name} | — | — | — | — | — | — | 跳过 | {row.get('note', '')} |")
            continue
        kind = row["kind"]
        if kind == "throughput":
            s_rps = f"{s['rps']:.0f}/s" if s and "rps" in s else "—"
            f_rps = f"{f['rps']:.0f}/s" if f and "rps" in f else "—"
            lines.append(f"| {name} | {s_rps} | {fmt_ms(s['p95']) if s else '—'} | {f_rps} | "
                         f"{fmt_ms(f['p95']) if f else '—'} | — | 记录 | — | {(f or s).get('note', '')} |")
            continue
        target = targets[kind]
        ratio = (f["p95"] / s["p95"]) if f and s and s.get("p95") else None
        ok = (f or s)["p95"] <= target
        if kind == "page" and ratio is not None and ratio > PAGE_RATIO:
            ok = False
        ms = kind in ("page", "aggregate", "wait")
        fmt = (lambda v: f"{v * 1000:.0f}ms") if ms else (lambda v: f"{v:.2f}s")
        tgt = (f"<{target * 1000:.0f}ms" + (f"，≤{PAGE_RATIO}×" if kind == "page" else "")) if ms else f"<{target:.0f}s"
        lines.append(f"| {name} | {fmt(s['p50']) if s else '—'} | {fmt(s['p95']) if s else '—'} | "
                     f"{fmt(f['p50']) if f else '—'} | {fmt(f['p95']) if f else '—'} | "
                     f"{f'{ratio:.1f}×' if ratio else '—'} | {tgt} | {'达标' if ok else '未达标'} | "
                     f"{(f or s).get('note', '')} |")
    return "\n".join(lines) + "\n"


# ---- imports at spreadsheet speed (on a throw-away copy of the 1k dataset) -----------------------------------------

IMPORT_DRY_ROWS = 5000
IMPORT_WRITE_ROWS = 5000  # written in batches as a background job writes them (issue 16: under 10 s)
IMPORT_WAIT_ROWS = 1000  # imported again while IMPORT_WRITERS clerks write: how long they wait
IMPORT_WRITERS = 8


def _bench_clerk():
    """A clerk of 基准街道01 (may register disputes there), made once."""
    from fazhi.core import services
    from fazhi.core.models import OrgNode, Unit, User
    from fazhi.core.roles import Role

    user = User.objects.filter(username="bench_clerk").first()
    if user is None:
        sub = OrgNode.objects.get(name="基准街道01")
        unit = Unit.objects.filter(node=sub, kind=Unit.Kind.CENTRE_BODY).first() or services.unit_create(
            actor="基准测试", node=sub, kind=Unit.Kind.CENTRE_BODY, name="基准司法所")
        user = services.user_create(actor="基准测试", username="bench_clerk", full_name="基准窗口", password=None,
                                    memberships=[(sub, Role.CLERK, unit)])
    return user


def imports(*, label, sizes, repeat):
    """Dry run and batched import (as a background job writes it) of a 5,000-row people's-mediation sheet (made
    through the ledger's template), then how long ``IMPORT_WRITERS`` clerks writing meanwhile wait at most while
    another ``IMPORT_WAIT_ROWS`` rows are imported."""
    import threading

    from django.db import connections

    from fazhi.core import audit, ledger
    from fazhi.core.models import OrgNode

    from .imports import make_sheet

    clerk = _bench_clerk()
    item = ledger.get("disputes.mediation")
    rows = []
    data = make_sheet(clerk, IMPORT_DRY_ROWS, prefix="基准预检")
    cpu0, t0 = time.process_time(), time.perf_counter()
    dry = ledger.run_import(item, data, actor=clerk, dry_run=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    note = f"CPU {cpu:.1f}s；{dry.summary}" if dry.ok else f"预检失败：{'；'.join(str(e) for e in dry.errors[:2])}"
    rows.append({"name": f"台账导入预检（{IMPORT_DRY_ROWS} 行）", "kind": "import", "p50": wall, "p95": wall,
                 "note": note[:160]})

    data = make_sheet(clerk, IMPORT_WRITE_ROWS, prefix=f"基准导入{int(time.time()) % 100000}")
    batches = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    result = ledger.run_import(item, data, actor=clerk, dry_run=False, on_batch=lambda s: batches.append(1))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    pending = audit.pending_chains()
    note = (f"{IMPORT_WRITE_ROWS / wall:.0f} 行/秒，{len(batches)} 批，CPU {cpu:.1f}s"
            + ("；审计事件已全部入链" if not pending else f"；尚有待入链事件：{pending}")
            if result.ok else f"导入失败：{'；'.join(str(e) for e in result.errors[:2])}")
    rows.append({"name": f"台账导入（{IMPORT_WRITE_ROWS} 行，分批写入）", "kind": "import", "p50": wall, "p95": wall,
                 "note": note})

    data = make_sheet(clerk, IMPORT_WAIT_ROWS, prefix=f"基准并发{int(time.time()) % 100000}")
    village = OrgNode.objects.filter(name="基准街道01第01村").first()
    waits, done, errors = [], threading.Event(), []

    def writer(n):
        try:
            OrgNode.objects.filter(pk=village.pk).exists()
            while not done.is_set():
                started = time.monotonic()
                with transaction.atomic():
                    node = OrgNode.objects.get(pk=village.pk)
                    audit.record(actor=clerk, action="update", obj=node, changes={"bench": n})
                waits.append(time.monotonic() - started)
                time.sleep(0.3)
        except Exception as exc:  # noqa: BLE001 - reported in the row
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(IMPORT_WRITERS)]
    for t in threads:
        t.start()
    try:
        result = ledger.run_import(item, data, actor=clerk, dry_run=False, on_batch=lambda s: None)
    finally:
        done.set()
        for t in threads:
            t.join(60)
    if not result.ok:
        errors.append(f"导入失败：{'；'.join(str(e) for e in result.errors[:2])}")
    waits.sort()
    if waits:
        p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
        rows.append({"name": f"导入期间写入等待（{IMPORT_WRITERS} 个并发写入，导入 {IMPORT_WAIT_ROWS} 行）", "kind": "wait",
                     "p50": statistics.median(waits), "p95": waits[-1],
                     "note": f"{len(waits)} 次写入，p95 {p95 * 1000:.0f}ms，最长 {waits[-1] * 1000:.0f}ms"
                             + (f"；出错 {len(errors)} 次：{errors[0][:60]}" if errors else "")})
    else:
        rows.append({"name": "导入期间写入等待", "kind": "skip", "note": "; ".join(errors)[:120]})
    return {"rows": rows}
