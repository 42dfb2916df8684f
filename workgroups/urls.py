from django.urls import path

from workgroups.views import bodies, bulk, chair_terms, dashboard, initiatives, milestones

app_name = "workgroups"
urlpatterns = [
    path("bodies/", bodies.body_list, name="body_list"),
    path("chair-terms/", chair_terms.chair_terms_page, name="chair_terms"),
    path("chair-terms/<int:pk>/end/", chair_terms.chair_term_end, name="chair_term_end"),
    path("bodies/<str:code>/", bodies.body_page, name="body"),
    path("bodies/<str:code>/watch/", bodies.body_watch, name="body_watch"),
    path("bodies/<str:code>/milestones.xlsx", bulk.bulk_download, name="bulk_download"),
    path("bodies/<str:code>/bulk-update/", bulk.bulk_upload, name="bulk_upload"),
    path("bodies/<str:code>/bulk-update/apply/", bulk.bulk_apply, name="bulk_apply"),
    path("plan/", dashboard.dashboard, name="dashboard"),
    path("plan/export.csv", dashboard.export_csv, name="export_csv"),
    path("plan/export.xlsx", dashboard.export_xlsx, name="export_xlsx"),
    path("plan/milestones/<int:pk>/", milestones.milestone_page, name="milestone"),
    path("plan/milestones/<int:pk>/row/", milestones.milestone_row, name="milestone_row"),
    path("plan/milestones/<int:pk>/revert/<int:history_id>/", milestones.milestone_revert_view,
         name="milestone_revert"),
    path("plan/milestones/<int:pk>/evidence/", milestones.evidence_create,
         name="evidence_create"),
    path("plan/milestones/<int:pk>/watch/", milestones.milestone_watch, name="milestone_watch"),
    path("plan/milestones/<int:pk>/national/<str:code>/", milestones.national_update,
         name="national_update"),
    path("plan/initiatives/", initiatives.initiative_board, name="initiatives"),
    path("plan/initiatives/cells/<int:pk>/", initiatives.participation_edit,
         name="participation_edit"),
]
