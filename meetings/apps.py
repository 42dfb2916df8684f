from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and documents"

    def ready(self):
        from meetings.caching import connect_signals
        from meetings.home import (
            body_meetings_panel,
            milestone_evidence_panel,
            next_meetings_panel,
        )
        from secretariat.home import register_panel
        from workgroups.panels import register_body_panel, register_milestone_panel

        connect_signals()
        register_panel(next_meetings_panel)
        register_body_panel(body_meetings_panel)
        register_milestone_panel(milestone_evidence_panel)
