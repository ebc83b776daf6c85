"""Public enforcement publicity (执法公示), no login. Only what the three systems require to be public; personal data
never appears (publications are masked when they are made — see services.publication_publish)."""
from fazhi.core import clock
from fazhi.core.pages import ListPage, Page

from . import selectors


class Home(Page):
    """事前公开: subject, officers with certificate numbers, powers with legal basis, procedures, remedies, complaints."""
    public_menu = "执法公示"

    login_required = False
    template_name = "enforcement/public/home.html"

    def get(self, request):
        return self.render({"subjects": selectors.public_subjects(), "officers": selectors.public_officers(),
                            "today": clock.today(), "recent": selectors.public_publications()[:5]})


class Decisions(ListPage):
    """事后公开: published decisions (and the withdrawal notices of decisions withdrawn)."""

    login_required = False
    template_name = "enforcement/public/decisions.html"

    def get_queryset(self):
        return selectors.public_publications(filters=self.request.GET)

    def extra_context(self):
        return {"q": self.request.GET.get("q", "")}


class DecisionDetail(Page):
    login_required = False
    template_name = "enforcement/public/decision_detail.html"
    census_skip = "public page: a published decision (masked) or its withdrawal notice, no scoped object"

    def get(self, request, pk):
        return self.render({"pub": selectors.public_publication(pk)})
