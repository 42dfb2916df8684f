from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and documents"

    def ready(self):
        from meetings.home import next_meetings_panel
        from secretariat.home import register_panel

        register_panel(next_meetings_panel)
        # ``meetings.home.body_meetings_panel`` is ready for ``workgroups.panels``; it costs
        # the body page one query, so it is registered once that page's pin allows it.
