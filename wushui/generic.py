"""Base views: every page starts from ``restrict(user, action)``.

Lists filter with the same filterset as the API; a malformed filter answers
400 with the form's errors instead of silently showing everything. A detail
view with ``action = CHANGE`` answers 404 outside the user's view scope and
403 (saying why) for a row they may see but not change.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from wushui.scoping import VIEW, get_in_scope


class ScopedMixin(LoginRequiredMixin):
    """Signed-in users only, and only the rows of their scope; views add joins in ``get_base_queryset``."""

    model = None
    action = VIEW

    def get_base_queryset(self):
        return self.model.objects.all()

    def get_scoped_queryset(self):
        return self.get_base_queryset().restrict(self.request.user)


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


class ScopedDetailView(ScopedMixin, DetailView):
    def get_queryset(self):
        return self.get_scoped_queryset()

    def get_object(self, queryset=None):
        return get_in_scope(self.get_base_queryset(), self.request.user, self.action, pk=self.kwargs[self.pk_url_kwarg])
