"""Pages of the core: recorded jobs, followed while they run and downloaded when done."""

from django.http import Http404

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
