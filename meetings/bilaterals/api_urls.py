# The bilateral scheduler has no API yet: its pages and the calendar feed are the interface.
urlpatterns: list = []
