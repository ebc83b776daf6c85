from django.core.checks import Error, register


@register()
def ledger_keys_unique(app_configs, **kwargs):
    from . import ledger

    keys = [item.key for item in ledger.all_ledgers()]
    return [Error(f"台账 {k} 重复注册") for k in set(keys) if keys.count(k) > 1]


@register(deploy=True)
def personal_data_key_from_environment(app_configs, **kwargs):
    """In production the key of the encrypted personal numbers comes from the environment (kept apart from the
    database and its backups), not from the development key file in var/."""
    import os

    from django.conf import settings
    from django.core.checks import Warning

    if getattr(settings, "FAZHI_DATA_KEY", None) or os.environ.get("FAZHI_DATA_KEY"):
        return []
    return [Warning("未设置 FAZHI_DATA_KEY：证件号、电话的加密密钥正使用 var/data.key（与数据库放在一起）。",
                    hint="生产环境请在环境文件中设置 FAZHI_DATA_KEY（openssl rand -base64 64），并离线另存一份。",
                    id="fazhi.W001")]
