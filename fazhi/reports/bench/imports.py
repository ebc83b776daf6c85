"""Import at spreadsheet speed: a 5,000-row people's-mediation sheet made through the ledger's own template, then
timed as a dry run and as an import (what a clerk does with an Excel year of disputes).

``make_sheet(actor, rows)`` fills the import template (``ledger.export_xlsx(template_only=True)``) with rows in the
actor's scope: villages, grids and kinds by name, a mix of states (registered, accepted, declined, failed, agreed,
closed) with their dates, so the history replay runs too. ``time_import`` runs ``ledger.run_import`` twice.
"""
import datetime
import io
import random
import time


def make_sheet(actor, rows=5000, seed=2024, prefix="批量"):
    from openpyxl import load_workbook

    from fazhi.core import ledger, orgkinds, policy
    from fazhi.core.models import OrgNode
    from fazhi.disputes import selectors
    from fazhi.disputes.models import DisputeKind, Mediator

    item = ledger.get("disputes.mediation")
    villages = list(policy.scoped_nodes(actor, "disputes.intake", level=orgkinds.VILLAGE).order_by("path"))
    grids = {}
    for g in OrgNode.objects.filter(kind=orgkinds.GRID, parent__in=villages).order_by("path"):
        grids.setdefault(g.parent_id, g)
    kinds = list(DisputeKind.objects.filter(is_active=True).order_by("pk").values_list("name", flat=True))
    mediators = list(selectors.mediators_for(actor).filter(kind=Mediator.Kind.PEOPLE).values_list("name", flat=True)[:2])
    if not villages or not kinds:
        raise RuntimeError("no village in the actor's scope or no dispute kind")
    wb = load_workbook(io.BytesIO(ledger.export_xlsx(item, [], template_only=True)))
    ws = wb.worksheets[0]
    header = [c.value.rstrip("*") for c in ws[1]]
    rng = random.Random(seed)
    base = datetime.date(2022, 1, 1)
    states = ["registered"] * 6 + ["accepted"] * 2 + ["declined", "failed"] + (["agreed", "closed"] if mediators else [])
    labels = {c.key: c for c in item.import_columns()}
    for i in range(rows):
        v = villages[i % len(villages)]
        received = base + datetime.timedelta(days=rng.randrange(600))
        state = states[i % len(states)]
        later = received + datetime.timedelta(days=rng.randrange(1, 20))
        values = {
            "received_on": received, "channel": "窗口来访", "village": v.name,
            "grid": grids[v.pk].name if v.pk in grids else "", "kind": kinds[i % len(kinds)],
            "title": f"{prefix}纠纷{i:05d}", "description": f"{prefix}导入的第{i}件纠纷：双方就宅基地边界发生争议。",
            "amount": rng.randrange(0, 50000), "applicant": f"申请人{i}", "respondent": f"被申请人{i}",
            "contact_phone": f"138{i:08d}", "status": labels["status"].choices[state],
        }
        if state != "registered":
            if state == "declined":
                values["concluded_on"] = later
            else:
                values["accepted_on"] = received
            if state == "failed":
                values["concluded_on"] = later
            if state in ("agreed", "closed"):
                values["resolved_on"] = later
                values["mediators"] = "、".join(mediators)  # an agreement is signed by a people's mediator
            if state == "closed":
                values["closed_on"] = later + datetime.timedelta(days=3)
        by_header = {labels[k].header: val for k, val in values.items()}
        ws.append([by_header.get(h) for h in header])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def time_import(actor, data):
    """(dry-run seconds, import seconds, dry-run result, import result)."""
    from fazhi.core import ledger

    item = ledger.get("disputes.mediation")
    t0 = time.perf_counter()
    dry = ledger.run_import(item, data, actor=actor, dry_run=True)
    t1 = time.perf_counter()
    if not dry.ok:
        return t1 - t0, None, dry, None
    done = ledger.run_import(item, data, actor=actor, dry_run=False)
    return t1 - t0, time.perf_counter() - t1, dry, done
