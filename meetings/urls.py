from django.urls import path

from meetings import views, views_authoring

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/search/", views.search, name="search"),
    path("meetings/new/", views_authoring.meeting_create, name="create"),
    path("meetings/<int:pk>/edit/", views_authoring.meeting_edit, name="edit"),
    path("meetings/<int:pk>/sessions/", views_authoring.sessions_page, name="sessions"),
    path("meetings/<int:pk>/sessions/<int:session_id>/", views_authoring.session_edit,
         name="session_edit"),
    path("meetings/<int:pk>/agenda/edit/", views_authoring.agenda_edit, name="agenda_edit"),
    path("meetings/<int:pk>/agenda/items/<int:item_id>/", views_authoring.agenda_item_edit,
         name="agenda_item_edit"),
    path("meetings/<int:pk>/convene/", views_authoring.meeting_convene, name="convene"),
    path("meetings/<int:pk>/nominations/", views_authoring.nominations_page,
         name="nominations"),
    path("meetings/<int:pk>/nominations/<str:code>/", views_authoring.nomination_page,
         name="nomination"),
    path("meetings/<int:pk>/nominations/<str:code>/remind/", views_authoring.nomination_remind,
         name="nomination_remind"),
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
    path("documents/<int:pk>/edit/", views_authoring.document_edit, name="document_edit"),
    path("documents/<int:pk>/withdraw/", views_authoring.document_withdraw,
         name="document_withdraw"),
    path("documents/<int:pk>/evidence/", views.evidence_attach, name="evidence_attach"),
    path("documents/<int:pk>/evidence/remove/", views.evidence_detach, name="evidence_detach"),
]
