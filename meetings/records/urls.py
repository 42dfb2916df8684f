from django.urls import path

from meetings.records import views

app_name = "records"
urlpatterns = [
    path("meetings/<int:pk>/record/", views.record_page, name="record"),
    path("meetings/<int:pk>/record.pdf", views.record_pdf, name="record_pdf"),
    path("meetings/<int:pk>/record/issue/", views.record_issue, name="record_issue"),
    path("meetings/<int:pk>/record/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/record/actions/", views.action_add, name="action_add"),
    path("meetings/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("meetings/<int:pk>/sessions/<int:sid>/attendance/", views.session_attendance,
         name="session_attendance"),
    path("meetings/<int:pk>/participants/", views.participants, name="participants"),
    path("meetings/<int:pk>/participants.xlsx", views.participants_xlsx,
         name="participants_xlsx"),
    path("meetings/<int:pk>/attendance.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    path("meetings/<int:pk>/action-items.xlsx", views.action_items_xlsx,
         name="action_items_xlsx"),
    path("action-items/<int:pk>/status/", views.action_status, name="action_status"),
    path("documents/<int:pk>/downloads.csv", views.downloads_csv, name="downloads_csv"),
    path("accounts/notices/", views.notice_preferences, name="notices"),
]
