# API routes of reporting, mounted under /api/v1/ (names are in the "api" namespace).
urlpatterns: list = []
