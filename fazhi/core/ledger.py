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
import logging
import re
import zipfile
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError

from . import audit
from .errors import DomainError
from .validators import spreadsheet_safe

logger = logging.getLogger(__name__)
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

    def _by_label(self):
        """{Chinese label: stored value} of the choices (made once per column and choices; parsed on every cell)."""
        cached = self.__dict__.get("_labels")
        if cached is None or cached[0] is not self.choices:
            cached = (self.choices, {label: key for key, label in (self.choices or {}).items()})
            self.__dict__["_labels"] = cached
        return cached[1]

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
                by_label = self._by_label()
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
    scope_column = ""  # a column completing the key where a number is unique only within it (所属街道 for 事项编码)
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

    def find(self, user, value, values=None):
        """The record whose key column equals ``value`` among those the user can see, else None. ``values`` (the
        row) narrows the match by ``scope_column`` when the row fills it in."""
        if not self.key_column or value in (None, ""):
            return None
        qs = self.queryset(user, {}).filter(**{self.key_column: value})
        scope = (values or {}).get(self.scope_column) if self.scope_column else None
        if scope not in (None, ""):
            qs = qs.filter(**{self.scope_column: scope})
        return qs.order_by().first()

    def row_key(self, values):
        """What names the row's record: the key column's value (with the scope column's, if any); None if empty."""
        value = values.get(self.key_column) if self.key_column else None
        if value in (None, ""):
            return None
        return (value, values.get(self.scope_column) or "") if self.scope_column else value

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


def run_import(ledger, data, *, actor, dry_run=True, progress=None, on_batch=None):
    """Dry run or all-or-nothing import. A row naming an existing record (the ledger's ``key_column``) updates it
    through ``ledger.update_row`` when a cell changed and is skipped when nothing did; other rows are created through
    ``ledger.import_row`` (the module's service). Every row is tried, so one pass reports all the sheet's errors.

    A ledger that defines ``check_row`` is imported at spreadsheet speed (see ``_validate`` and ``_write``): the dry
    run only reads (lookup tables once, no write, no write lock) and the import writes in short batches. Other
    ledgers dry-run by importing inside a transaction that is rolled back, and import in one transaction.

    ``progress(done, total)``, if given, is called before the first row, every ``PROGRESS_EVERY`` rows and after the
    last one. In the one-transaction path it runs inside the import's transaction: report through something that
    does not roll back (the cache). ``on_batch(state)`` (batched path) runs inside each batch's transaction with
    what is committed so far (see ``_write``), so a job can undo it if its worker dies.
    """
    if not ledger.can_import(actor):
        return ImportResult(ok=False, dry_run=dry_run, errors=[RowError(None, "", "您没有导入此台账的权限。")])
    rows, errors = read_rows(ledger, data)
    result = ImportResult(ok=False, total=len(rows), dry_run=dry_run, errors=list(errors))
    headers = {c.key: c.header for c in ledger.import_columns()}
    result.preview = [{headers[k]: v for k, v in values.items()} for _, values in rows[:20]]
    if errors and not rows:
        return result
    if getattr(ledger, "check_row", None) is not None:
        plan, context = _validate(ledger, rows, result, actor=actor, headers=headers,
                                  progress=None if not dry_run else progress)
        if result.errors or dry_run:
            result.imported = 0
        else:
            _write(ledger, plan, result, actor=actor, headers=headers, progress=progress, on_batch=on_batch,
                   context=context)
        result.ok = not result.errors
        return result
    _import_in_one_transaction(ledger, rows, result, actor=actor, headers=headers, dry_run=dry_run, progress=progress)
    result.ok = not result.errors
    return result


def _row_start(ledger, result, seen_keys, number, values):
    """The row's outcome (an error until shown otherwise), or None when its key repeats an earlier row's."""
    key_value = values.get(ledger.key_column) if ledger.key_column else None
    outcome = RowOutcome(row=number, action=ERROR, record=str(key_value or ""))
    result.rows.append(outcome)
    row_key = ledger.row_key(values)
    if row_key is not None:
        if row_key in seen_keys:
            result.errors.append(RowError(number, ledger.key_header(),
                                          f"与第{seen_keys[row_key]}行的{ledger.key_header()}重复。"))
            return None, key_value
        seen_keys[row_key] = number
    return outcome, key_value


def _finish(result):
    result.errors.sort(key=lambda e: (e.row or 0))
    failed = {e.row for e in result.errors}
    for outcome in result.rows:
        if outcome.row in failed:
            outcome.action = ERROR


def _not_updatable(ledger, number, key_value, outcome):
    return RowError(number, ledger.key_header(),
                    f"{ledger.key_header()}“{key_value}”的记录已存在，本台账不支持通过导入修改已有记录"
                    f"（改动：{'、'.join(h for h, _, _ in outcome.changes)}），请在记录页面修改。")


def _decide(ledger, result, outcome, key_value, values, record, *, create, update):
    """One row: created (``create()``), skipped (no cell changed) or updated (``update(changes)``), or an error for
    an update the ledger does not support. Returns an update's changes ({} otherwise)."""
    if record is None:
        create()
        outcome.action = CREATE
        result.created += 1
        return {}
    changes, outcome.changes = changed_cells(ledger, record, values)
    if not changes:
        outcome.action = SKIP
        result.skipped += 1
        return {}
    if ledger.update_row is None:
        result.errors.append(_not_updatable(ledger, outcome.row, key_value, outcome))
        return {}
    update(changes)
    outcome.action = UPDATE
    result.updated += 1
    return changes


def _update(ledger, record, changes, *, actor):
    ledger.update_row(record, changes, actor=actor)


def _check_update(check_update, record, changes, *, actor, context):
    if check_update is not None:
        check_update(record, changes, actor=actor, context=context)


def _audit_import(ledger, result, actor):
    from . import policy

    written = result.created + result.updated
    audit.record(actor=actor, action="import", node=policy.user_home_node(actor), object_type="core.ledger",
                 object_id=ledger.key, object_repr=ledger.title,
                 changes={"rows": written, "created": result.created, "updated": result.updated,
                          "skipped": result.skipped},
                 action_label=f"导入{ledger.title}：新增 {result.created} 行，更新 {result.updated} 行")
    result.imported = written


def _import_in_one_transaction(ledger, rows, result, *, actor, headers, dry_run, progress):
    failed_rows = {e.row for e in result.errors}
    seen_keys = {}
    if progress:
        progress(0, len(rows))
    with transaction.atomic():
        for done, (number, values) in enumerate(rows):  # ``done`` rows are behind us
            if progress and done and done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
            outcome, key_value = _row_start(ledger, result, seen_keys, number, values)
            if outcome is None or number in failed_rows:
                continue
            record = ledger.find(actor, key_value, values)
            try:
                with transaction.atomic():
                    _decide(ledger, result, outcome, key_value, values, record,
                            create=partial(ledger.import_row, values, actor=actor, row_number=number),
                            update=partial(_update, ledger, record, actor=actor))
            except DomainError as exc:
                result.errors.extend(_errors_of(exc, number, headers))
        if progress:
            progress(len(rows), len(rows))
        _finish(result)
        if result.errors or dry_run:
            transaction.set_rollback(True)
            result.imported = 0
        elif result.created + result.updated:
            _audit_import(ledger, result, actor)


# ---- spreadsheet speed: validate by reading only, then write in short batches --------------------------------------
# A ledger opts in by defining, besides ``import_row`` (which must then return the record it created):
#   ``prepare(actor, rows)`` -> a context: every lookup table the rows need, one query per table (not per row);
#   ``check_row(values, *, actor, row_number, context)``: refuse a new row (DomainError keyed by column) exactly as
#       ``import_row`` would, without writing;
#   ``check_update(record, changes, *, actor, context)`` (optional): the same for an update;
#   ``prepare_batch(items, *, actor, context)`` (optional): the records of many new rows at once — ``items`` is
#       [(row number, values)] — with the same checks, stored values and audit events as ``import_row`` row by row
#       but a fixed number of queries per batch. It does the work reading only and returns ``write()``, which
#       writes the batch inside the import's transaction and returns the created records in row order; a row
#       either refuses raises ``RowFailed(row number, DomainError)``. See ``_write_prepared``.

FIND_CHUNK = 500
# A job's batch holds the write lock for at most BATCH_SECONDS (SQLite: one writer at a time, and every waiting
# writer needs the lock twice — its own transaction, then its audit seal — so shorter there) and writes at most
# BATCH_ROWS rows (their audit events are sealed right after its commit under the chain head's lock, which other
# writers' seals wait for); then it pauses so that waiting writers get in: SQLite's busy handler re-polls every
# ≤100 ms, so the pause spans two of its polls. PostgreSQL locks rows, not the database: no pause.
BATCH_SECONDS = 0.4
BATCH_SECONDS_SQLITE = 0.25
BATCH_ROWS = 50
# A ledger with ``prepare_batch`` holds the lock only to write a prepared batch: a batch is sized so that its writing
# and sealing take about BATCH_SECONDS (SQLite: BATCH_SECONDS_SQLITE): BULK_FIRST_ROWS rows first, then as many as
# the last batch's pace fits (BULK_MIN_ROWS to BULK_MAX_ROWS; the events are sealed in SEAL_BATCH-event steps).
# SQLite: every waiting writer needs the lock twice (its transaction, then its seal) and its busy handler sleeps up to
# 100 ms between tries, so a prepared batch holds the lock (INSERTs + seal) for about BULK_LOCK_SECONDS_SQLITE only.
BULK_LOCK_SECONDS_SQLITE = 0.15
BULK_FIRST_ROWS = 50
BULK_MIN_ROWS = 10
BULK_MAX_ROWS = 400
PAUSE_SQLITE = 0.2
PAUSE_OTHER = 0.0


def find_many(ledger, user, values):
    """{key value: record} of the records the user can see among ``values`` (one query per 500 keys)."""
    found = {}
    values = [v for v in dict.fromkeys(values) if v not in (None, "")]
    if not ledger.key_column:
        return found
    for k in range(0, len(values), FIND_CHUNK):
        part = values[k:k + FIND_CHUNK]
        for record in ledger.queryset(user, {}).filter(**{f"{ledger.key_column}__in": part}).order_by():
            found[getattr(record, ledger.key_column)] = record
    return found


@dataclass
class _Planned:
    number: int
    values: dict
    outcome: RowOutcome
    record: object = None
    changes: dict = field(default_factory=dict)


def _validate(ledger, rows, result, *, actor, headers, progress=None):
    """Every row checked without writing (no transaction, so no write lock on SQLite); returns the plan."""
    failed_rows = {e.row for e in result.errors}
    context = ledger.prepare(actor, rows) if hasattr(ledger, "prepare") else None
    existing = find_many(ledger, actor, [values.get(ledger.key_column) for _, values in rows]) \
        if ledger.key_column and not ledger.scope_column else {}
    seen_keys, plan = {}, []
    check_update = getattr(ledger, "check_update", None)
    if progress:
        progress(0, len(rows))
    for done, (number, values) in enumerate(rows):
        if progress and done and done % PROGRESS_EVERY == 0:
            progress(done, len(rows))
        outcome, key_value = _row_start(ledger, result, seen_keys, number, values)
        if outcome is None or number in failed_rows:
            continue
        if key_value in (None, ""):
            record = None
        elif ledger.scope_column:  # the key is unique only within the scope column: match row by row
            record = ledger.find(actor, key_value, values)
        else:
            record = existing.get(key_value)
        try:
            changes = _decide(ledger, result, outcome, key_value, values, record,
                              create=partial(ledger.check_row, values, actor=actor, row_number=number,
                                             context=context),
                              update=partial(_check_update, check_update, record, actor=actor, context=context))
            if outcome.action in (CREATE, UPDATE):
                plan.append(_Planned(number, values, outcome, record, changes))
        except DomainError as exc:
            result.errors.extend(_errors_of(exc, number, headers))
    if progress:
        progress(len(rows), len(rows))
    _finish(result)
    return plan, context


def _pause():
    from django.db import connection

    return PAUSE_SQLITE if connection.vendor == "sqlite" else PAUSE_OTHER


def _write(ledger, plan, result, *, actor, headers, progress=None, on_batch=None, context=None):
    """Write the validated plan. In a job (``on_batch`` given): in batches of about ``BATCH_SECONDS`` each (its own
    transaction), pausing between them so that other users' writes never wait long behind an import; in a request
    (at most ``background_rows()`` rows): in one transaction. All or nothing at the level of the import:
    if a row still fails (the data changed since the check, a bug), every committed batch is undone (``undo``) and
    nothing stays imported. ``on_batch(state)`` runs inside each batch's transaction with ``state`` =
    {"done": rows written, "created": [[model label, pk]…], "updated": [[model label, pk, {key: old value}]…]}, so
    a job can persist it atomically with the batch and undo it if its worker dies mid-import."""
    import time

    if getattr(ledger, "prepare_batch", None) is not None:
        return _write_prepared(ledger, plan, result, actor=actor, headers=headers, progress=progress,
                               on_batch=on_batch, context=context)
    state = {"done": 0, "created": [], "updated": []}  # what is committed
    total = len(plan)
    from django.db import connection

    batch_seconds = (BATCH_SECONDS_SQLITE if connection.vendor == "sqlite" else BATCH_SECONDS) \
        if on_batch is not None else float("inf")  # in a request (few rows): one short transaction
    if progress:
        progress(0, total)
    position = 0
    while True:
        started = time.monotonic()
        batch = {"created": [], "updated": []}
        try:
            with transaction.atomic():
                while position < total:
                    item = plan[position]
                    try:  # no savepoint per row: a failing row rolls its whole batch back anyway
                        _write_row(ledger, item, batch, actor=actor)
                    except DomainError as exc:
                        raise RowFailed(item.number, exc) from exc
                    position += 1
                    if time.monotonic() - started >= batch_seconds or (
                            on_batch is not None and position - state["done"] >= BATCH_ROWS):
                        break
                if position >= total and result.created + result.updated:
                    _audit_import(ledger, result, actor)
                written = {"done": position, "created": state["created"] + batch["created"],
                           "updated": state["updated"] + batch["updated"]}
                if on_batch is not None:
                    on_batch(written)
            state = written
        except RowFailed as failed:
            _undo_failed_row(state, failed, result, actor=actor, headers=headers)
            return
        except BaseException:
            undo(state, actor=actor, reason=f"导入出错，撤销本次导入已写入的 {state['done']} 行")
            raise
        if progress:
            progress(position, total)
        if position >= total:
            return
        time.sleep(_pause())


def _write_prepared(ledger, plan, result, *, actor, headers, progress=None, on_batch=None, context=None):
    """``_write`` for a ledger with ``prepare_batch``: each batch of new rows is prepared first — all its CPU work,
    reading only, outside any transaction (so on SQLite without the write lock: other users' writes go through
    meanwhile) — then written in a short transaction of its own (``write()``, plus the batch's updates row by row).
    The lock is held for the INSERTs and the audit seal only; a batch is sized so that they take about
    ``BATCH_SECONDS`` (SQLite: ``BULK_LOCK_SECONDS_SQLITE``). Between two batches at least ``_pause()`` passes on SQLite
    (the preparation of the next batch usually is that pause). All or nothing as in ``_write``."""
    import time

    from django.db import connection

    state = {"done": 0, "created": [], "updated": []}  # what is committed
    total = len(plan)
    budget = (BULK_LOCK_SECONDS_SQLITE if connection.vendor == "sqlite" else BATCH_SECONDS) if on_batch is not None \
        else float("inf")
    rows = min(BULK_FIRST_ROWS, BULK_MAX_ROWS) if on_batch is not None else total
    if progress:
        progress(0, total)
    position, committed_at = 0, None
    while position < total:
        end = position + 1
        new = plan[position].record is None
        while end < total and end - position < rows and (plan[end].record is None) == new:
            end += 1
        items = plan[position:end]
        batch = {"created": [], "updated": []}
        try:
            write = None
            if new:
                try:
                    write = ledger.prepare_batch([(i.number, i.values) for i in items], actor=actor, context=context)
                except DomainError as exc:  # not attributed to a row by the ledger: the batch's first row
                    raise RowFailed(items[0].number, exc) from exc
            if committed_at is not None and on_batch is not None:
                time.sleep(max(0.0, _pause() - (time.monotonic() - committed_at)))
            started = time.monotonic()
            with transaction.atomic():
                if write is not None:
                    for record in write():
                        _created(batch, record)
                else:
                    for item in items:
                        try:
                            _write_row(ledger, item, batch, actor=actor)
                        except DomainError as exc:
                            raise RowFailed(item.number, exc) from exc
                if end >= total and result.created + result.updated:
                    _audit_import(ledger, result, actor)
                written = {"done": end, "created": state["created"] + batch["created"],
                           "updated": state["updated"] + batch["updated"]}
                if on_batch is not None:
                    on_batch(written)
            # the transaction has committed and its events are sealed (on commit): the lock was held this long
            committed_at = time.monotonic()
            if on_batch is not None and new:
                per_row = max(committed_at - started, 1e-3) / len(items)
                rows = min(BULK_MAX_ROWS, max(BULK_MIN_ROWS, int(budget / per_row)))
            state = written
        except RowFailed as failed:
            _undo_failed_row(state, failed, result, actor=actor, headers=headers)
            return
        except BaseException:
            undo(state, actor=actor, reason=f"导入出错，撤销本次导入已写入的 {state['done']} 行")
            raise
        position = end
        if progress:
            progress(position, total)


def _undo_failed_row(state, failed, result, *, actor, headers):
    """A row refused while writing: what the import has committed so far is undone (the job's all or nothing) and
    the row's errors are reported."""
    undo(state, actor=actor, reason=f"第{failed.number}行导入失败，撤销本次导入已写入的 {state['done']} 行")
    result.errors.extend(_errors_of(failed.exc, failed.number, headers))
    result.imported = 0
    _finish(result)


class RowFailed(Exception):
    """Row ``number`` of the sheet was refused while writing (``exc``: the DomainError naming its columns)."""

    def __init__(self, number, exc):
        super().__init__(str(exc))
        self.number, self.exc = number, exc




def _created(state, created):
    # a service that answers a repeated submission with the record it already had (``duplicate``) created nothing:
    # undoing the import must not delete that record
    if created is not None and getattr(created, "pk", None) is not None and not getattr(created, "duplicate", False):
        state["created"].append([created._meta.label_lower, created.pk])


def _write_row(ledger, item, state, *, actor):
    if item.record is None:
        _created(state, ledger.import_row(item.values, actor=actor, row_number=item.number))
        return
    old = {}
    for column in ledger.import_columns():
        if column.key in item.changes:
            old[column.key], _ = column.parse(column.export_value(item.record))
    ledger.update_row(item.record, item.changes, actor=actor)
    state["updated"].append([ledger.key, item.record.pk, audit.normalize(old)])


def undo(state, *, actor, reason):
    """Undo the committed batches of an import: the records it created are deleted (each audited, newest first)
    and the records it updated get their old cells back through the ledger's ``update_row``. One transaction."""
    from django.apps import apps

    if not state.get("created") and not state.get("updated"):
        return
    with transaction.atomic():
        for label, pk, old in reversed(state.get("updated", [])):
            item = get(label)
            record = item.queryset(actor, {}).filter(pk=pk).first() if item else None
            if record is None:
                continue
            values = {}
            for column in item.import_columns():
                if column.key in old:
                    values[column.key], _ = column.parse(old[column.key])
            try:
                item.update_row(record, values, actor=actor)
            except DomainError:
                pass
        for label, pk in reversed(state.get("created", [])):
            model = apps.get_model(label)
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                continue
            try:
                with transaction.atomic():
                    audit.record(actor=actor, action="delete", obj=obj, reason=reason,
                                 action_label="撤销导入（整表未导入）")
                    obj.delete()
            except ProtectedError:  # someone linked a record to it meanwhile: it stays, and the log says so
                logger.warning("import undo: %s %s is referenced and was kept", label, pk)


# ---- background imports (a core job: fazhi.core.jobs) -------------------------------------------------------------
# A confirmed import of a large sheet runs on the task worker instead of in the request. The import is one
# transaction, so its progress goes through the cache (``jobs.progress_cached``), never the job row. The uploaded
# sheet belongs to the job (``Job.upload``): the job deletes it when it ends, whatever the ending.

def summarize_errors(errors, limit=5):
    head = "；".join(str(e) for e in errors[:limit])
    more = f"；另有 {len(errors) - limit} 处问题" if len(errors) > limit else ""
    return f"未导入：发现 {len(errors)} 处问题，整表未导入任何数据，请修改后重新上传。{head}{more}"


SYNC_ROWS = 50  # default: larger sheets import as a background job (settings.FAZHI["LEDGER_BACKGROUND_ROWS"])


def background_rows():
    """Sheets with more rows than this import as a background job, from the page as from the API: a request stays
    short (behind gunicorn's timeout) and an import written in batches can be undone if its worker dies."""
    return int(settings.FAZHI.get("LEDGER_BACKGROUND_ROWS", SYNC_ROWS))


CHECK_SYNC_ROWS = 200  # default: larger sheets are checked (the dry run) as a background job with progress
SLOW_CHECK_ROWS = 25  # the same for a ledger without ``check_row``: its dry run is the import rolled back (~0.2 s a row)


def background_check_rows(item=None):
    """Sheets with more rows than this are checked (the dry run) as a background job with a progress bar, not inside
    the upload request (``FAZHI["LEDGER_BACKGROUND_CHECK_ROWS"]``). A ledger without ``check_row`` checks by importing
    and rolling back — a tenth of a second or more a row — so it goes to the background sooner."""
    rows = int(settings.FAZHI.get("LEDGER_BACKGROUND_CHECK_ROWS", CHECK_SYNC_ROWS))
    if item is not None and getattr(item, "check_row", None) is None:
        rows = min(rows, SLOW_CHECK_ROWS)
    return rows


def import_or_queue(item, data, *, actor):
    """The API's import: a sheet up to ``background_rows()`` rows imports now; a larger one is checked now (the
    dry run: reading only) and, if clean, queued as a job. Returns (result, job or None)."""
    import secrets

    from . import policy

    node = policy.user_home_node(actor)
    rows, _ = read_rows(item, data) if node is not None else ([], [])
    if len(rows) <= min(background_rows(), background_check_rows(item)) or node is None:
        return run_import(item, data, actor=actor, dry_run=False), None
    if getattr(item, "check_row", None) is None and item.can_import(actor):
        # no read-only check for this ledger: the job imports all or nothing and reports every error if it fails
        token = secrets.token_urlsafe(16)
        (import_dir() / token).write_bytes(data)
        result = ImportResult(ok=True, total=len(rows), dry_run=True)
        result.checked = False
        return result, start_import_job(actor=actor, ledger=item, token=token, total=len(rows), node=node)
    result = run_import(item, data, actor=actor, dry_run=True)
    if not result.ok:
        return result, None
    token = secrets.token_urlsafe(16)
    (import_dir() / token).write_bytes(data)
    return result, start_import_job(actor=actor, ledger=item, token=token, total=result.total, node=node)


def start_import_job(*, actor, ledger, token, total, node):
    """Queue the import of the dry-run-checked upload stored under ``token``; returns the job (redirect to its page)."""
    from . import jobs

    return jobs.start(actor=actor, kind=IMPORT_JOB, node=node, params={"ledger": ledger.key}, total=total,
                      upload=token, audit_changes={"rows": total})


def _import_job(job):
    from django.core.cache import cache

    from . import clock, jobs
    from .models import Job

    item = get(job.params.get("ledger", ""))
    path = jobs.upload_path(job)
    data = path.read_bytes() if path is not None and path.exists() else b""
    if item is None:
        raise jobs.Failed("台账不存在。")
    if not data:
        raise jobs.Failed("待导入的文件已失效，请重新上传。")
    jobs.progress(job, message="正在导入…")

    def committed(state):  # inside each batch's transaction: what to undo if this worker dies
        Job.objects.filter(pk=job.pk).update(params={**job.params, "written": state}, heartbeat_at=clock.now())

    result = run_import(item, data, actor=job.created_by, dry_run=False, on_batch=committed,
                        progress=lambda done, total: jobs.progress_cached(job, done, total))
    done, total = cache.get(jobs.progress_key(job.pk)) or (0, result.total)
    if not result.ok:
        raise jobs.Failed(summarize_errors(result.errors), done=done, total=total)
    Job.objects.filter(pk=job.pk).update(params=job.params)  # done: nothing left to undo (the record ids go)
    return jobs.Done(f"导入完成：已导入 {result.imported} 行（新增 {result.created} 行，更新 {result.updated} 行，"
                     f"跳过（无变化）{result.skipped} 行）。",
                     done=result.total, total=result.total)


CHECK_JOB = "core.ledger_check"


def start_check_job(*, actor, ledger, token, total, node):
    """Queue the dry run of the upload stored under ``token`` (the file stays for the import that may follow)."""
    from . import jobs

    return jobs.start(actor=actor, kind=CHECK_JOB, node=node, params={"ledger": ledger.key, "token": token},
                      total=total, audit_changes={"rows": total})


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def result_to_json(result: ImportResult) -> dict:
    """What a check job keeps for the page that shows it (``result_from_json``)."""
    return {**result.as_dict(), "preview": [{h: _plain(v) for h, v in row.items()} for row in result.preview]}


def result_from_json(data: dict) -> ImportResult:
    return ImportResult(
        ok=data["ok"], total=data["total"], imported=data.get("imported", 0), dry_run=data.get("dry_run", True),
        errors=[RowError(e["row"], e["column"], e["message"]) for e in data.get("errors", [])],
        preview=data.get("preview", []), created=data.get("created", 0), updated=data.get("updated", 0),
        skipped=data.get("skipped", 0),
        rows=[RowOutcome(r["row"], r["action"], r.get("record", ""),
                         [(c["column"], c["old"], c["new"]) for c in r.get("changes", [])]) for r in data.get("rows", [])])


def _check_job(job):
    from . import jobs
    from .models import Job

    item = get(job.params.get("ledger", ""))
    path = import_dir() / str(job.params.get("token", "")).replace("/", "")
    data = path.read_bytes() if job.params.get("token") and path.exists() else b""
    if item is None:
        raise jobs.Failed("台账不存在。")
    if not data:
        raise jobs.Failed("待检查的文件已失效，请重新上传。")
    jobs.progress(job, message="正在逐行检查…")
    result = run_import(item, data, actor=job.created_by, dry_run=True,
                        progress=lambda done, total: jobs.progress_cached(job, done, total))
    Job.objects.filter(pk=job.pk).update(params={**job.params, "check": result_to_json(result)})
    if not result.ok:
        path.unlink(missing_ok=True)  # nothing will be imported from it
        return jobs.Done(f"检查完成：发现 {len(result.errors)} 处问题，整表不能导入。请打开检查结果查看并修改后重新上传。",
                         done=result.total, total=result.total)
    return jobs.Done(f"检查完成：{result.summary}请打开检查结果确认导入。", done=result.total, total=result.total)


def _undo_import(job):
    """A worker died in the middle of a batched import: undo the batches it had committed."""
    state = (job.params or {}).get("written")
    if state and (state.get("created") or state.get("updated")):
        undo(state, actor=job.created_by,
             reason=f"导入执行中断（已写入 {state.get('done', 0)} 行），整表撤销")


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
                  interrupted="整表未导入任何数据（导入要么全部成功，要么不导入），请重新上传文件。", undo=_undo_import)

    def checked(job):
        from django.urls import reverse

        return (reverse("core:ledger_import", args=[job.params.get("ledger", "")]) + f"?check={job.pk}",
                "查看检查结果")

    def describe_check(job):
        item = get(job.params.get("ledger", ""))
        return f"检查待导入的{item.title if item else '台账'}（{job.node}）"

    jobs.register(CHECK_JOB, _check_job, label="台账导入预检", describe=describe_check, back=back,
                  interrupted="预检未完成，没有导入任何数据，请重新上传文件。", result_link=checked)


_register_import_job()
