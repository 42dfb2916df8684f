from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/search/", views.search, name="search"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_print, name="agenda_print"),
    path("meetings/<int:pk>/attendance/", views.attendance_list, name="attendance"),
    path("meetings/<int:pk>/pack.zip", views.meeting_pack, name="pack"),
    path("meetings/<int:pk>/upload/", views.document_upload, name="upload"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/download/", views.document_download, name="download"),
    path(
        "documents/<int:pk>/versions/<int:number>/download/",
        views.document_download,
        name="version_download",
    ),
    path("documents/<int:pk>/versions/", views.document_version_upload, name="version_upload"),
    path("documents/<int:pk>/adopt/", views.minutes_adopt, name="adopt"),
    path("documents/<int:pk>/evidence/", views.evidence_attach, name="evidence_attach"),
    path("documents/<int:pk>/evidence/remove/", views.evidence_detach, name="evidence_detach"),
]
