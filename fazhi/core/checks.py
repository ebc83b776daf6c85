from django.core.checks import Error, register


@register()
def ledger_keys_unique(app_configs, **kwargs):
    from . import ledger

    keys = [item.key for item in ledger.all_ledgers()]
    return [Error(f"台账 {k} 重复注册") for k in set(keys) if keys.count(k) > 1]
