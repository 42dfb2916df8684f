# API routes of meetings, mounted under /api/v1/ (names are in the "api" namespace).
urlpatterns: list = []
