from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/report/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/correct/", views.ReportCorrectView.as_view(), name="report_correct"),
    path("<int:pk>/milestones/", views.MilestoneUpdateView.as_view(), name="milestone_update"),
    path("photos/<int:pk>/", views.ReportPhotoFileView.as_view(), name="report_photo"),
    path("summary/", views.InvestmentSummaryView.as_view(), name="investment_summary"),
    path("summary/units/", views.GroupTableView.as_view(group="unit"), name="summary_units"),
    path("summary/streets/", views.GroupTableView.as_view(group="street"), name="summary_streets"),
    path("import/", views.ImportView.as_view(), name="project_import"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/evidence/<int:pk>/", views.TaskEvidenceView.as_view(), name="task_evidence"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
]
