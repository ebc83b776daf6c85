"""Excel ledgers (台账): one mechanism every module uses.

A module declares a ``Ledger`` (its Chinese columns, the scoped queryset it exports, and ``import_row`` that calls
the module's own service) and registers it. Export writes .xlsx with Chinese headers from what the user can see.
Import is two steps: a dry run that reports per-row, per-column errors in Chinese, then an all-or-nothing run —
every row goes through the same service as the UI (same validation, scoping and audit); one bad row imports
nothing.
"""
import datetime
import decimal
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from . import audit
from .errors import DomainError
from .validators import spreadsheet_safe

MAX_UNCOMPRESSED = 200 * 1024 * 1024
_registry = {}


@dataclass
class Column:
    key: str
    header: str
    kind: str = "str"  # str, int, decimal, date, datetime, bool, choice
    required: bool = False
    choices: dict | None = None  # {stored value: Chinese label}
    max_length: int | None = None
    min_value: object = None
    max_value: object = None
    export: object = None  # fn(obj) -> value; default getattr(obj, key)
    width: int = 16
    help: str = ""
    import_only: bool = False
    export_only: bool = False
    personal: str = ""  # "id" / "phone": a personal number, exported masked unless the user may export it in full

    def export_value(self, obj):
        if self.export:
            value = self.export(obj)
        else:
            value = obj
            for part in self.key.split("__"):
                value = getattr(value, part, None) if value is not None else None
        if self.choices and value in self.choices:
            value = self.choices[value]
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.timezone(datetime.timedelta(hours=8))).replace(tzinfo=None)
        if isinstance(value, decimal.Decimal):
            value = float(value)
        if value is not None and not isinstance(value, (str, int, float, datetime.date, datetime.datetime)):
            value = str(value)
        return value

    def parse(self, raw):
        """Return (value, error message or None)."""
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if self.required:
                return None, "必填项为空"
            return None, None
        try:
            if self.kind == "str":
                value = str(raw).strip()
                if isinstance(raw, float) and raw.is_integer():
                    value = str(int(raw))
                if self.max_length and len(value) > self.max_length:
                    return None, f"不能超过{self.max_length}个字"
                return value, None
            if self.kind == "int":
                if isinstance(raw, float) and not raw.is_integer():
                    return None, "应为整数"
                value = int(str(raw).replace(",", "").split(".")[0]) if isinstance(raw, str) else int(raw)
                if isinstance(raw, str) and not str(raw).replace(",", "").lstrip("-").isdigit():
                    return None, "应为整数"
            elif self.kind == "decimal":
                value = decimal.Decimal(str(raw).replace(",", ""))
                if not value.is_finite():
                    return None, "应为数字"
            elif self.kind == "date":
                if isinstance(raw, datetime.datetime):
                    value = raw.date()
                elif isinstance(raw, datetime.date):
                    value = raw
                else:
                    value = _parse_date(str(raw))
                    if value is None:
                        return None, "日期格式应为 2023-05-01"
            elif self.kind == "datetime":
                if isinstance(raw, datetime.datetime):
                    value = raw
                else:
                    value = _parse_datetime(str(raw))
                    if value is None:
                        return None, "时间格式应为 2023-05-01 09:30"
            elif self.kind == "bool":
                text = str(raw).strip()
                if text in {"是", "1", "True", "true", "Y", "y"} or raw is True:
                    value = True
                elif text in {"否", "0", "False", "false", "N", "n"} or raw is False:
                    value = False
                else:
                    return None, "应填“是”或“否”"
            elif self.kind == "choice":
                text = str(raw).strip()
                by_label = {label: key for key, label in (self.choices or {}).items()}
                if text in by_label:
                    value = by_label[text]
                elif text in (self.choices or {}):
                    value = text
                else:
                    return None, "应为以下之一：" + "、".join((self.choices or {}).values())
            else:
                value = raw
        except (ValueError, TypeError, decimal.InvalidOperation):
            return None, {"int": "应为整数", "decimal": "应为数字"}.get(self.kind, "格式不正确")
        if self.min_value is not None and value < self.min_value:
            return None, f"不能小于{self.min_value}"
        if self.max_value is not None and value > self.max_value:
            return None, f"不能大于{self.max_value}"
        return value, None


def _parse_date(text):
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text.split(" ")[0] if fmt != "%Y年%m月%d日" else text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_datetime(text):
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


class Ledger:
    """Subclass per ledger; register with ``@register``."""

    key = ""
    title = ""
    view_perm = ""
    import_perm = ""  # empty: export only
    columns: list = []
    key_column = ""  # the column (its ``key``) holding the record number a row is matched on (登记编号, 案号…)
    update_row = None  # fn(record, values, *, actor): update one record through the module's service (see below)

    def queryset(self, user, params):
        """The rows the user can see, filtered like the list page (must go through the app's selector)."""
        raise NotImplementedError

    def import_row(self, values, *, actor, row_number):
        """Create one record through the module's service. Raise DomainError with field_errors keyed by column key."""
        raise NotImplementedError

    # A ledger that supports updates defines ``update_row(self, record, values, *, actor)``: ``values`` holds only the
    # changed cells ({column key: new value}); it calls the module's service (validation, scope, audit) and raises
    # DomainError (field_errors keyed by column key) for what it cannot change.

    def find(self, user, value):
        """The record whose key column equals ``value`` among those the user can see, else None."""
        if not self.key_column or value in (None, ""):
            return None
        return self.queryset(user, {}).filter(**{self.key_column: value}).order_by().first()

    def key_header(self):
        column = next((c for c in self.columns if c.key == self.key_column), None)
        return column.header if column else ""

    def export_columns(self):
        return [c for c in self.columns if not c.import_only]

    def import_columns(self):
        return [c for c in self.columns if not c.export_only]

    def can_import(self, user):
        from . import policy

        return bool(self.import_perm) and policy.has_perm(user, self.import_perm)

    def can_export(self, user):
        from . import policy

        return policy.has_perm(user, self.view_perm)


def register(cls):
    instance = cls()
    if instance.key in _registry:
        raise RuntimeError(f"ledger {instance.key} registered twice")
    _registry[instance.key] = instance
    return cls


def get(key):
    return _registry.get(key)


def all_ledgers():
    return list(_registry.values())


def personal_columns(ledger, model=None):
    """The export columns holding personal numbers: declared ``personal=`` or reading an encrypted field of
    ``model`` (the rows' model) directly."""
    from . import personal

    out = []
    for c in ledger.export_columns():
        if c.personal:
            out.append(c)
        elif model is not None and c.export is None and "__" not in c.key and personal.is_personal(model, c.key):
            c.personal = model._meta.get_field(c.key).kind
            out.append(c)
    return out


def export_for_user(ledger, user, rows, *, via="页面"):
    """The export a user downloads: personal numbers in full only on rows where the user holds
    ``core.export_personal`` (on the row's node), masked elsewhere; an export with personal-number columns is an
    audit event (who, which ledger, how many rows, full or masked) — 个人信息保护法第五十一条、第五十五条."""
    from django.db import transaction

    from . import audit, personal, policy

    columns = personal_columns(ledger, getattr(rows, "model", None))
    if not columns:
        return export_xlsx(ledger, rows)
    allowed = {}
    counts = {"rows": 0, "full": 0}

    def reveal_row(obj):
        node = getattr(obj, "node", None)
        key = getattr(node, "pk", None)
        if key not in allowed:
            allowed[key] = policy.has_perm(user, personal.EXPORT_PERM, node) if node is not None else \
                policy.has_perm(user, personal.EXPORT_PERM)
        counts["rows"] += 1
        counts["full"] += allowed[key]
        return allowed[key]

    content = export_xlsx(ledger, rows, reveal_row=reveal_row)
    with transaction.atomic():
        audit.record(actor=user, action="export_personal", action_label="导出含个人信息的台账",
                     object_type="core.ledger", object_id=ledger.key, object_repr=ledger.title,
                     changes={"台账": ledger.title, "行数": counts["rows"], "完整号码行数": counts["full"],
                              "个人信息列": [c.header for c in columns], "途径": via})
    return content


def export_xlsx(ledger, rows, *, template_only=False, reveal_row=None):
    """Bytes of an .xlsx with the ledger's Chinese headers and ``rows`` (an iterable of model instances).
    Personal-number columns are masked unless ``reveal_row(obj)`` says this row may carry them in full."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = ledger.import_columns() if template_only else ledger.export_columns()
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", "_", ledger.title)[:31] or "台账"  # characters Excel forbids in sheet names
    ws.append([c.header + ("*" if template_only and c.required else "") for c in columns])
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    if not template_only:
        from .personal import mask

        secret = {c.key for c in personal_columns(ledger, getattr(rows, "model", None))}
        for obj in rows:
            full = reveal_row(obj) if (secret and reveal_row is not None) else False
            values = [c.export_value(obj) for c in columns]
            if secret and not full:
                values = [mask(v, c.personal) if c.key in secret and v else v for v, c in zip(values, columns)]
            # no cell may run as a formula in Excel/WPS (=HYPERLINK, =cmd|…): OWASP CSV-injection advice
            ws.append([spreadsheet_safe(v) for v in values])
        for row in ws.iter_rows(min_row=2):
            for cell, column in zip(row, columns):
                if column.kind == "date" and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
                elif column.kind == "datetime" and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd hh:mm"
    else:
        notes = wb.create_sheet("填写说明")
        notes.append(["列名", "是否必填", "格式", "说明"])
        for c in columns:
            fmt = {"str": "文字", "int": "整数", "decimal": "数字", "date": "日期 2023-05-01", "datetime": "时间 2023-05-01 09:30",
                   "bool": "是/否", "choice": "、".join((c.choices or {}).values())}.get(c.kind, "")
            notes.append([c.header, "必填" if c.required else "选填", fmt, c.help])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{('“' + self.column + '”列') if self.column else ''}：{self.message}"


CREATE, UPDATE, SKIP, ERROR = "新增", "更新", "跳过", "错误"


@dataclass
class RowOutcome:
    """What the import does with one row: 新增 / 更新 (with the changed cells) / 跳过 (unchanged) / 错误."""
    row: int
    action: str
    record: str = ""  # the record number (登记编号…) when the row names one
    changes: list = field(default_factory=list)  # [(header, old text, new text)]

    def as_dict(self):
        return {"row": self.row, "action": self.action, "record": self.record,
                "changes": [{"column": h, "old": o, "new": n} for h, o, n in self.changes]}


@dataclass
class ImportResult:
    ok: bool
    total: int = 0
    imported: int = 0  # rows written (新增 + 更新) by a real import
    dry_run: bool = True
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)  # first rows as {header: value}
    rows: list = field(default_factory=list)  # a RowOutcome per data row
    created: int = 0
    updated: int = 0
    skipped: int = 0

    @property
    def nothing_to_do(self):
        return self.ok and self.total > 0 and not self.created and not self.updated

    @property
    def summary(self):
        if self.nothing_to_do:
            return f"共 {self.total} 行，与现有记录完全一致，没有需要导入的内容。"
        done = f"已导入 {self.imported} 行；" if self.imported else ""
        text = f"{done}共 {self.total} 行：新增 {self.created} 行，更新 {self.updated} 行，跳过（无变化）{self.skipped} 行"
        errors = sum(1 for r in self.rows if r.action == ERROR)
        return text + (f"，有错误 {errors} 行。" if errors else "。")

    def as_dict(self):
        return {"ok": self.ok, "total": self.total, "imported": self.imported, "dry_run": self.dry_run,
                "created": self.created, "updated": self.updated, "skipped": self.skipped,
                "nothing_to_do": self.nothing_to_do, "summary": self.summary,
                "rows": [r.as_dict() for r in self.rows],
                "errors": [{"row": e.row, "column": e.column, "message": e.message, "text": str(e)} for e in self.errors]}


def read_rows(ledger, data):
    """Parse ``data`` (bytes) into [(row_number, {key: value})] plus errors. Never raises for a bad file."""
    errors = []
    max_bytes = settings.FAZHI["LEDGER_MAX_BYTES"]
    if len(data) == 0:
        return [], [RowError(None, "", "文件为空。")]
    if len(data) > max_bytes:
        return [], [RowError(None, "", f"文件大小 {len(data) // 1024 // 1024}MB 超过上限 {max_bytes // 1024 // 1024}MB，请拆分后分批导入。")]
    if not data.startswith(b"PK\x03\x04"):
        return [], [RowError(None, "", "不是有效的 Excel 文件（.xlsx）。请在 Excel 或 WPS 中“另存为 .xlsx”后再上传。")]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                return [], [RowError(None, "", "文件解压后过大，请拆分后分批导入。")]
    except zipfile.BadZipFile:
        return [], [RowError(None, "", "不是有效的 Excel 文件（.xlsx），文件已损坏。")]
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for malformed files
        return [], [RowError(None, "", "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。")]
    ws = wb.worksheets[0]
    rows_iter = ws.iter_rows(values_only=True)
    try:
        header = next(rows_iter)
    except StopIteration:
        return [], [RowError(None, "", "工作表是空的，第一行应为列名。")]
    header = [str(h).strip().rstrip("*") if h is not None else "" for h in header]
    by_header = {c.header: c for c in ledger.import_columns()}
    export_only = {c.header for c in ledger.columns if c.export_only}  # an exported sheet re-imports as it is
    unknown = [h for h in header if h and h not in by_header and h not in export_only]
    missing = [c.header for c in ledger.import_columns() if c.required and c.header not in header]
    if unknown:
        errors.append(RowError(None, "", "无法识别的列：" + "、".join(unknown) + "。请使用本台账的导入模板。"))
    if missing:
        errors.append(RowError(None, "", "缺少必填列：" + "、".join(missing) + "。"))
    if errors:
        return [], errors
    positions = [(i, by_header[h]) for i, h in enumerate(header) if h in by_header]
    rows = []
    max_rows = settings.FAZHI["LEDGER_MAX_ROWS"]
    for number, raw in enumerate(rows_iter, start=2):
        if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        if len(rows) >= max_rows:
            return [], [RowError(None, "", f"行数超过上限 {max_rows} 行，请拆分后分批导入。")]
        values = {}
        for i, column in positions:
            value, problem = column.parse(raw[i] if i < len(raw) else None)
            if problem:
                errors.append(RowError(number, column.header, problem))
            values[column.key] = value
        rows.append((number, values))
    wb.close()
    if not rows and not errors:
        errors.append(RowError(None, "", "表中没有数据行。"))
    return rows, errors


PROGRESS_EVERY = 50


def import_dir():
    """Where a confirmed-later upload waits between the dry run and the import (one file per session token)."""
    from pathlib import Path

    path = Path(settings.VAR_DIR) / "tmp" / "ledger-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def display(column, value):
    """A cell as the user reads it (Chinese labels for choices, 是/否, dates as 2023-05-01, "（空）" for nothing)."""
    if value is None or value == "":
        return "（空）"
    if column.choices and value in column.choices:
        return str(column.choices[value])
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _same(a, b):
    if a in (None, "") and b in (None, ""):
        return True
    return a == b


def changed_cells(ledger, record, values):
    """{column key: new value} of the cells of ``values`` that differ from ``record`` (the key column excluded),
    and the [(header, old, new)] the preview shows. The record's value is read as the export writes it and parsed
    back like a cell, so an exported sheet compares equal to its records."""
    changes, shown = {}, []
    for column in ledger.import_columns():
        if column.key == ledger.key_column or column.key not in values:
            continue
        current, _ = column.parse(column.export_value(record))
        if column.personal and current and values[column.key] == personal_mask(current, column.personal):
            continue  # a masked export sent back: the number stays as it is
        if not _same(current, values[column.key]):
            changes[column.key] = values[column.key]
            shown.append((column.header, display(column, current), display(column, values[column.key])))
    return changes, shown


def personal_mask(value, kind):
    from .personal import mask

    return mask(value, kind)


def _errors_of(exc, number, headers):
    if exc.field_errors:
        return [RowError(number, headers.get(key, ""), message) for key, message in exc.field_errors.items()]
    return [RowError(number, "", exc.message)]


def run_import(ledger, data, *, actor, dry_run=True, progress=None):
    """Dry run or all-or-nothing import. A row naming an existing record (the ledger's ``key_column``) updates it
    through ``ledger.update_row`` when a cell changed and is skipped when nothing did; other rows are created through
    ``ledger.import_row`` (the module's service). Every row is tried, so one pass reports all the sheet's errors.

    ``progress(done, total)``, if given, is called before the first row, every ``PROGRESS_EVERY`` rows and after the
    last one. It runs inside the import's transaction: report through something that does not roll back (the cache).
    """
    from . import policy

    if not ledger.can_import(actor):
        return ImportResult(ok=False, dry_run=dry_run, errors=[RowError(None, "", "您没有导入此台账的权限。")])
    rows, errors = read_rows(ledger, data)
    result = ImportResult(ok=False, total=len(rows), dry_run=dry_run, errors=list(errors))
    headers = {c.key: c.header for c in ledger.import_columns()}
    result.preview = [{headers[k]: v for k, v in values.items()} for _, values in rows[:20]]
    if errors and not rows:
        return result
    failed_rows = {e.row for e in errors}
    seen_keys = {}
    if progress:
        progress(0, len(rows))
    with transaction.atomic():
        for done, (number, values) in enumerate(rows):  # ``done`` rows are behind us
            if progress and done and done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
            key_value = values.get(ledger.key_column) if ledger.key_column else None
            outcome = RowOutcome(row=number, action=ERROR, record=str(key_value or ""))
            result.rows.append(outcome)
            if key_value not in (None, ""):
                if key_value in seen_keys:
                    result.errors.append(RowError(number, ledger.key_header(),
                                                  f"与第{seen_keys[key_value]}行的{ledger.key_header()}重复。"))
                    continue
                seen_keys[key_value] = number
            if number in failed_rows:
                continue
            record = ledger.find(actor, key_value)
            try:
                with transaction.atomic():
                    if record is None:
                        ledger.import_row(values, actor=actor, row_number=number)
                        outcome.action = CREATE
                        result.created += 1
                        continue
                    changes, outcome.changes = changed_cells(ledger, record, values)
                    if not changes:
                        outcome.action = SKIP
                        result.skipped += 1
                        continue
                    if ledger.update_row is None:
                        result.errors.append(RowError(
                            number, ledger.key_header(),
                            f"{ledger.key_header()}“{key_value}”的记录已存在，本台账不支持通过导入修改已有记录"
                            f"（改动：{'、'.join(h for h, _, _ in outcome.changes)}），请在记录页面修改。"))
                        continue
                    ledger.update_row(record, changes, actor=actor)
                    outcome.action = UPDATE
                    result.updated += 1
            except DomainError as exc:
                result.errors.extend(_errors_of(exc, number, headers))
        if progress:
            progress(len(rows), len(rows))
        result.errors.sort(key=lambda e: (e.row or 0))
        failed = {e.row for e in result.errors}
        for outcome in result.rows:
            if outcome.row in failed:
                outcome.action = ERROR
        written = result.created + result.updated
        if result.errors or dry_run:
            transaction.set_rollback(True)
            result.imported = 0
        elif written:
            audit.record(actor=actor, action="import", node=policy.user_home_node(actor), object_type="core.ledger",
                         object_id=ledger.key, object_repr=ledger.title,
                         changes={"rows": written, "created": result.created, "updated": result.updated,
                                  "skipped": result.skipped},
                         action_label=f"导入{ledger.title}：新增 {result.created} 行，更新 {result.updated} 行")
            result.imported = written
    result.ok = not result.errors
    return result


# ---- background imports (a core job: fazhi.core.jobs) -------------------------------------------------------------
# A confirmed import of a large sheet runs on the task worker instead of in the request. The import is one
# transaction, so its progress goes through the cache (``jobs.progress_cached``), never the job row. The uploaded
# sheet belongs to the job (``Job.upload``): the job deletes it when it ends, whatever the ending.

def summarize_errors(errors, limit=5):
    head = "；".join(str(e) for e in errors[:limit])
    more = f"；另有 {len(errors) - limit} 处问题" if len(errors) > limit else ""
    return f"未导入：发现 {len(errors)} 处问题，整表未导入任何数据，请修改后重新上传。{head}{more}"


def start_import_job(*, actor, ledger, token, total, node):
    """Queue the import of the dry-run-checked upload stored under ``token``; returns the job (redirect to its page)."""
    from . import jobs

    return jobs.start(actor=actor, kind=IMPORT_JOB, node=node, params={"ledger": ledger.key}, total=total,
                      upload=token, audit_changes={"rows": total})


def _import_job(job):
    from django.core.cache import cache

    from . import jobs

    item = get(job.params.get("ledger", ""))
    path = jobs.upload_path(job)
    data = path.read_bytes() if path is not None and path.exists() else b""
    if item is None:
        raise jobs.Failed("台账不存在。")
    if not data:
        raise jobs.Failed("待导入的文件已失效，请重新上传。")
    jobs.progress(job, message="正在导入…")
    result = run_import(item, data, actor=job.created_by, dry_run=False,
                        progress=lambda done, total: jobs.progress_cached(job, done, total))
    done, total = cache.get(jobs.progress_key(job.pk)) or (0, result.total)
    if not result.ok:
        raise jobs.Failed(summarize_errors(result.errors), done=done, total=total)
    return jobs.Done(f"导入完成：已导入 {result.imported} 行（新增 {result.created} 行，更新 {result.updated} 行，"
                     f"跳过（无变化）{result.skipped} 行）。",
                     done=result.total, total=result.total)


def _describe_import(job):
    item = get(job.params.get("ledger", ""))
    return f"导入{item.title if item else job.params.get('ledger', '台账')}（{job.node}）"


IMPORT_JOB = "core.ledger_import"


def _register_import_job():
    from . import jobs

    def back(job):
        from django.urls import reverse

        return reverse("core:ledger_import", args=[job.params.get("ledger", "")]), "导入台账"

    jobs.register(IMPORT_JOB, _import_job, label="台账导入", describe=_describe_import, back=back,
                  interrupted="整表未导入任何数据（导入要么全部成功，要么不导入），请重新上传文件。")


_register_import_job()
