"""Base views: every page starts from ``restrict(user, action)``.

Lists filter with the same filterset as the API; a malformed filter answers
400 with the form's errors instead of silently showing everything. A detail
view with ``action = CHANGE`` answers 404 outside the user's view scope and
403 (saying why) for a row they may see but not change.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from wushui import keyset
from wushui.files import private_file_response
from wushui.scoping import VIEW, get_in_scope


class SignedInMixin(LoginRequiredMixin):
    """Signed-in users only. A method the view does not take answers 405 to every one of them, before
    ``check_access`` refuses a user the whole page is not for (403) or finds the row it is about (404):
    what the view takes is the same for everybody."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.check_access(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, request, *args, **kwargs):
        """Raise ``PermissionDenied`` or ``Http404`` for a user who may not use the page at all."""


class ScopedMixin(SignedInMixin):
    """Signed-in users only, and only the rows of their scope; views add joins in ``get_base_queryset``."""

    model = None
    action = VIEW

    def get_base_queryset(self):
        return self.model.objects.all()

    def get_scoped_queryset(self):
        return self.get_base_queryset().restrict(self.request.user)


class PrivateFileView(ScopedMixin, View):
    """The stored file (``file_field``) of a row, to those who may see the row: 404 to everybody else,
    as for a missing file. Never a public folder: the file is answered only after the scope check."""

    file_field = "image"

    def get(self, request, pk):
        row = get_in_scope(self.get_base_queryset(), request.user, self.action, pk=pk)
        return private_file_response(getattr(row, self.file_field))


class ScopedListView(ScopedMixin, ListView):
    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        queryset = self.get_scoped_queryset()
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class ScopedKeysetListView(ScopedListView):
    """A scoped list paged by keyset on ``keyset_ordering`` (``wushui.keyset``): newer and older
    links keep the filters, and a deep page costs what the first does. The rows are counted only up
    to ``count_limit`` (``row_count``, with ``row_count_capped`` when there are more), so that no
    page counts every row of a big table."""

    keyset_ordering: tuple = ()
    keyset_ids_first = False  # keyset.paginate's ids_first
    count_limit = 1000

    def paginate_queryset(self, queryset, page_size):
        try:
            page = keyset.paginate(
                queryset,
                self.keyset_ordering,
                self.request.GET.get("cursor"),
                page_size,
                ids_first=self.keyset_ids_first,
            )
        except keyset.InvalidCursor:
            raise BadRequest(_("This page link is not valid; start again from the first page.")) from None
        return None, page, page.object_list, page.has_other_pages

    def count_rows(self, page):
        """How many rows the list holds, counting no further than ``count_limit + 1``."""
        if page.is_first and page.next_cursor is None:
            return len(page.object_list)  # all of them are on this page
        # Counted in no order: any thousand rows tell the count is capped, whichever index finds them.
        return self.object_list.order_by()[: self.count_limit + 1].count()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("cursor", None)
        query.pop("page", None)
        context["query_without_cursor"] = query.urlencode()
        count = self.count_rows(context["page_obj"])
        context["row_count"] = min(count, self.count_limit)
        context["row_count_capped"] = count > self.count_limit
        return context


class ScopedDetailView(ScopedMixin, DetailView):
    def get_queryset(self):
        return self.get_scoped_queryset()

    def get_object(self, queryset=None):
        return get_in_scope(self.get_base_queryset(), self.request.user, self.action, pk=self.kwargs[self.pk_url_kwarg])
