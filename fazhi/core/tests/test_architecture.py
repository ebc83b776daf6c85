"""The rules of the one gate, checked on the source: they fail when someone writes around the layer.

- Views, API and forms never touch ``Model.objects`` (they call selectors, policies and services).
- No service assigns a state field itself: every state change goes through ``Workflow.run``.
- Every model with a ``status`` field has a transition table that covers its states.
- An app reads another app's rows only through that app's selectors or access policy.
- Core imports no domain app; code never compares org-kind strings.
"""
import ast
import re
from pathlib import Path

from django.apps import apps

from fazhi.core.domain import domain_apps

ROOT = Path(__file__).resolve().parents[2]  # fazhi/
DOMAIN = [c.name.split(".")[-1] for c in domain_apps()]


def _sources(app, *, names=None):
    base = ROOT / app
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if rel.parts[0] in ("tests", "migrations", "management", "bench"):
            continue
        if names and path.stem not in names and not any(path.stem.startswith(n) for n in names):
            continue
        yield path


def _rel(path):
    return str(path.relative_to(ROOT.parent))


def _lines_matching(pattern, app_names, *, names=None, skip=lambda path: False):
    """Every source line of the apps ``pattern`` finds, as "path:line: text" (files ``skip`` accepts left out)."""
    found = []
    for app in app_names:
        for path in _sources(app, names=names):
            if skip(path):
                continue
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(pattern, line):
                    found.append(f"{_rel(path)}:{n}: {line.strip()}")
    return found


def test_views_api_and_forms_never_touch_model_managers():
    offenders = _lines_matching(r"\b[A-Z]\w*\.(objects|_default_manager)\b", DOMAIN + ["core", "portal"],
                                names=("views", "api", "forms"))
    assert not offenders, "Model managers used outside selectors/services:\n" + "\n".join(offenders)


def test_no_service_assigns_a_state_field_outside_the_runner():
    assigns = r"\.status\s*=(?!=)|\bstatus\s*=\s*\w+\.Status\.\w+.*\.update\(|\.update\([^)]*\bstatus\s*="
    offenders = _lines_matching(assigns, DOMAIN, skip=lambda path: path.stem == "workflow")
    assert not offenders, "state set outside Workflow.run:\n" + "\n".join(offenders)


def test_every_model_with_a_status_has_a_transition_table():
    import importlib

    from fazhi.core.workflow import Workflow

    tables = {}
    for app in DOMAIN:
        try:
            module = importlib.import_module(f"fazhi.{app}.workflow")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, Workflow):
                tables.setdefault(app, []).append(value)
    missing = []
    for app in DOMAIN:
        for model in apps.get_app_config(app).get_models():
            field = next((f for f in model._meta.fields if f.name == "status" and f.choices), None)
            if field is None:
                continue
            states = {value for value, _ in field.choices}
            covering = [wf for wf in tables.get(app, []) if wf.states and wf.states <= states | {None}]
            covered = set().union(*(wf.states for wf in covering)) if covering else set()
            if not covering or not (states - covered) <= {field.default}:
                missing.append(f"{model._meta.label} (states {sorted(states)}, tables cover {sorted(covered)})")
    assert not missing, "models with a status but no transition table:\n" + "\n".join(missing)


def test_apps_read_other_apps_rows_only_through_their_selectors_or_policy():
    offenders = []
    for app in DOMAIN:
        for path in _sources(app):
            tree = ast.parse(path.read_text())
            foreign = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    m = re.fullmatch(r"fazhi\.(\w+)\.models", node.module)
                    if m and m.group(1) != app and m.group(1) != "core":
                        for alias in node.names:
                            foreign[alias.asname or alias.name] = m.group(1)
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager") and \
                        isinstance(node.value, ast.Name) and node.value.id in foreign:
                    offenders.append(f"{_rel(path)}:{node.lineno}: {node.value.id}.{node.attr} "
                                     f"(a {foreign[node.value.id]} model)")
    assert not offenders, "an app reading another app's model directly:\n" + "\n".join(offenders)


def test_core_imports_no_domain_app():
    offenders = _lines_matching(rf"(?:from|import)\s+fazhi\.(?:{'|'.join(DOMAIN)})\b", ["core"])
    assert not offenders, "core imports a domain app:\n" + "\n".join(offenders)


def test_code_never_compares_org_kind_strings():
    pattern = re.compile(r"""(\.kind\s*(==|!=|in|not in)\s*[\("'\[]?\s*["'](district|subdistrict|village|grid)["'])"""
                         r"""|(OrgNode\.Kind\.(DISTRICT|SUBDISTRICT|VILLAGE|GRID))"""
                         r"""|(kind(__in)?\s*=\s*[\[\(]?\s*["'](district|subdistrict|village|grid)["'])""")
    core_models = ROOT / "core" / "models.py"
    offenders = _lines_matching(pattern, DOMAIN + ["core", "portal"],
                                skip=lambda path: path.name == "orgkinds.py" or path == core_models)
    assert not offenders, "org kinds compared as strings (ask node.level / node.is_tenant):\n" + "\n".join(offenders)
