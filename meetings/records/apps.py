from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "meetings.records"
    label = "records"
    verbose_name = "Meeting records"

    def ready(self):
        from meetings.records.caching import connect_signals

        connect_signals()
        from meetings.events import register_paper_listener
        from meetings.panels import register_meeting_section
        from meetings.records.home import meeting_record_section, my_action_items_panel
        from meetings.records.notices import paper_changed
        from secretariat.home import register_panel

        register_panel(my_action_items_panel)
        register_meeting_section(meeting_record_section)
        register_paper_listener(paper_changed)

        from meetings.search import find_decisions
        from secretariat.search import register_kind

        register_kind("decisions", "Meeting decisions", find_decisions, position=40)
