from django.urls import path

from workgroups.reporting import views

app_name = "reporting"
urlpatterns = [
    path("reporting/cycles/", views.cycle_list, name="cycle_list"),
    path("reporting/cycles/<int:pk>/", views.cycle_page, name="cycle"),
    path("reporting/cycles/<int:pk>/matrix.xlsx", views.cycle_matrix_xlsx,
         name="cycle_matrix_xlsx"),
    path("reporting/cycles/<int:pk>/open/", views.cycle_open_view, name="cycle_open"),
    path("reporting/cycles/<int:pk>/close/", views.cycle_close_view, name="cycle_close"),
    path("reporting/mine/", views.my_reports, name="my_reports"),
    path("reporting/reports/<int:pk>/", views.report_page, name="report"),
    path("reporting/reports/<int:pk>/remind/", views.remind_now_view, name="remind_now"),
]
