from django.urls import path

from workgroups.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("enforcement/", views.operation_list, name="operation_list"),
    path("enforcement/operations/<slug:slug>/", views.operation_page, name="operation"),
    path("enforcement/operations/<slug:slug>/release/", views.statistics_release_view,
         name="release"),
    path("enforcement/analysis/", views.analysis_page, name="analysis"),
    path("enforcement/analysis.xlsx", views.analysis_xlsx, name="analysis_xlsx"),
    path("enforcement/reports/new/", views.report_create, name="report_create"),
    path("enforcement/reports/<int:pk>/", views.report_page, name="report"),
    path("enforcement/reports/<int:pk>/amend/", views.report_amend, name="report_amend"),
]
