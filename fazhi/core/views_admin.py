"""Standing up a subdistrict without a shell: node settings, units and the centre's bodies, accounts and role
grants, and the onboarding checklist. Built on the core page bases (fazhi.core.pages)."""
from __future__ import annotations

from django.urls import reverse

from . import onboarding, policy, selectors, services
from .forms_admin import AccountForm, GrantForm, NodeEditForm, UnitForm
from .models import User
from .pages import ActionPage, FormPage, ListPage, Page
from .policies import membership_policy, node_policy, unit_policy


class NodeEdit(FormPage):
    access = node_policy
    record_action = "manage"
    form_class = NodeEditForm
    template_name = "core/admin/form.html"
    success_message = "已保存。"

    @property
    def title(self):
        return f"修改{self.record.name}"

    def get_form_kwargs(self):
        return {"initial": {"name": self.record.name, "short_name": self.record.short_name, "code": self.record.code}}

    def perform(self, form):
        c = form.cleaned_data
        return services.org_node_update(actor=self.request.user, node=self.record, name=c["name"],
                                        short_name=c["short_name"], code=c["code"])

    def success_url(self, result):
        return reverse("core:node_detail", args=[result.pk])


class Units(ListPage):
    perms = {"GET": "core.view"}
    access = unit_policy
    template_name = "core/admin/units.html"

    def get_queryset(self):
        return selectors.units_list(self.request.user, filters=self.request.GET)

    def extra_context(self):
        return {"tenants": selectors.tenants_for(self.request.user),
                "can_add": policy.has_perm(self.request.user, "core.manage_org")}


class UnitNew(FormPage):
    perms = {"GET": "core.manage_org", "POST": "core.manage_org"}
    form_class = UnitForm
    template_name = "core/admin/form.html"
    title = "新增机构"
    success_message = "已新增机构。"

    def get_form_kwargs(self):
        initial = self.query_initial("node")
        return {"tenants": selectors.tenants_for(self.request.user, "core.manage_org"), "initial": initial}

    def perform(self, form):
        c = form.cleaned_data
        return services.unit_create(actor=self.request.user, node=c["node"], kind=c["kind"], name=c["name"],
                                    description=c["description"])

    def success_url(self, result):
        return reverse("core:units") + f"?node={result.node_id}"


class UnitToggle(ActionPage):
    perms = {"POST": "core.manage_org"}
    access = unit_policy

    def perform(self):
        unit = self.get_object(self.kwargs["pk"], "manage")
        unit = services.unit_update(actor=self.request.user, unit=unit, is_active=not unit.is_active)
        return f"已{'启用' if unit.is_active else '停用'}“{unit.name}”。"

    def redirect_url(self):
        return reverse("core:units")


def _grant_choices(user):
    nodes = policy.scoped_nodes(user, "core.manage_users").order_by("path")
    units = selectors.units_for_user(user).filter(node__in=nodes.values("pk"))
    return {"nodes": nodes, "units": units}


class Accounts(ListPage):
    perms = {"GET": "core.manage_users"}
    template_name = "core/admin/accounts.html"

    def get_queryset(self):
        return selectors.users_managed_by(self.request.user, filters=self.request.GET).prefetch_related(
            "memberships__node")


class AccountNew(FormPage):
    perms = {"GET": "core.manage_users", "POST": "core.manage_users"}
    form_class = AccountForm
    template_name = "core/admin/form.html"
    title = "新增账号"

    def get_form_kwargs(self):
        initial = self.query_initial("node")
        return {**_grant_choices(self.request.user), "initial": initial}

    def perform(self, form):
        c = form.cleaned_data
        return services.user_create(actor=self.request.user, username=c["username"], full_name=c["full_name"],
                                    phone=c["phone"], password=c["password"],
                                    memberships=[(c["node"], c["role"], c["unit"])])

    def get_success_message(self, result):
        return f"已新增账号“{result.username}”。"

    def success_url(self, result):
        return reverse("core:account_detail", args=[result.pk])


class AccountDetail(Page):
    perms = {"GET": "core.manage_users", "POST": "core.manage_users"}
    census_model = User  # scoped through the account's memberships (selectors.user_get_managed)
    template_name = "core/admin/account_detail.html"

    def context(self, account, form=None):
        from . import audit

        return {"account": account, "memberships": selectors.memberships_of(account),
                "form": form or GrantForm(**_grant_choices(self.request.user)), "timeline": audit.timeline(account)}

    def get(self, request, pk):
        return self.render(self.context(selectors.user_get_managed(request.user, pk)))

    def post(self, request, pk):
        from django.contrib import messages
        from django.http import HttpResponseRedirect

        from . import ui
        from .errors import DomainError

        account = selectors.user_get_managed(request.user, pk)
        form = GrantForm(request.POST, **_grant_choices(request.user))
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.membership_grant(actor=request.user, user=account, node=c["node"], role=c["role"],
                                          unit=c["unit"])
            except DomainError as exc:
                ui.apply_error(form, exc)
            else:
                messages.success(request, "已授予岗位角色。")
                return HttpResponseRedirect(reverse("core:account_detail", args=[account.pk]))
        return self.render(self.context(account, form), status=400)


class MembershipRevoke(ActionPage):
    perms = {"POST": "core.manage_users"}
    access = membership_policy

    def perform(self):
        self.membership = self.get_object(self.kwargs["pk"], "manage")
        services.membership_revoke(actor=self.request.user, membership=self.membership,
                                   reason=self.request.POST.get("reason", ""))
        return "已撤销该岗位角色。"

    def redirect_url(self):
        return reverse("core:account_detail", args=[self.membership.user_id]) if hasattr(self, "membership") \
            else reverse("core:accounts")


class AccountActive(ActionPage):
    perms = {"POST": "core.manage_users"}
    census_model = User  # scoped through the account's memberships (selectors.user_get_managed)

    def perform(self):
        self.account = selectors.user_get_managed(self.request.user, self.kwargs["pk"])
        active = self.request.POST.get("active") == "1"
        services.user_set_active(actor=self.request.user, user=self.account, is_active=active,
                                 reason=self.request.POST.get("reason", ""))
        return "已启用账号。" if active else "已停用账号。"

    def redirect_url(self):
        return reverse("core:account_detail", args=[self.kwargs["pk"]])


class Onboarding(Page):
    perms = {"GET": "core.manage_org"}
    template_name = "core/admin/onboarding.html"

    def get(self, request):
        tenants = list(selectors.tenants_for(request.user, "core.manage_org"))
        chosen = None
        node = request.GET.get("node", "")
        if node.isdigit() and len(node) < 12:
            chosen = next((t for t in tenants if t.pk == int(node)), None)
            if chosen is None:
                from .errors import NotFound

                raise NotFound()
        chosen = chosen or (tenants[0] if len(tenants) == 1 else None)
        items = onboarding.checklist(chosen) if chosen else []
        return self.render({"tenants": tenants, "tenant": chosen, "items": items,
                            "ready": onboarding.is_ready(items) if chosen else False,
                            "can_add_tenant": any(policy.has_perm(request.user, "core.manage_org", n)
                                                  for n in selectors.top_nodes())})

