# API routes of workgroups, mounted under /api/v1/ (names are in the "api" namespace).
urlpatterns: list = []
