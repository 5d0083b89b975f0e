"""Pages of the core: recorded jobs, followed while they run and downloaded when done; the browser's icon."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from wushui.choices import JobStatus
from wushui.files import private_file_response
from wushui.generic import ScopedDetailView
from wushui.models import Job


class JobDetailView(ScopedDetailView):
    model = Job
    template_name = "wushui/job_detail.html"

    def get_template_names(self):
        # htmx polls the status fragment alone while the job runs.
        if self.request.headers.get("HX-Request"):
            return ["wushui/_job_status.html"]
        return [self.template_name]


class JobDownloadView(ScopedDetailView):
    model = Job

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != JobStatus.COMPLETED or not job.file:
            raise Http404
        return private_file_response(job.file, download_name=job.download_name or None)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """``/favicon.ico``, which browsers ask for on pages that name no icon (the API's): nothing to show,
    said without a 404 in the console."""
    return HttpResponse(status=204)
