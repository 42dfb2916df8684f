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

        from meetings.search import find_meetings, find_papers
        from secretariat.search import register_kind

        register_kind("papers", "Papers", find_papers, position=10)
        register_kind("meetings", "Meetings", find_meetings, position=30)
