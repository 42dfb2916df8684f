from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Dialogue-partner consultations"

    def ready(self):
        from consultations import integrations
        from consultations.caching import connect_signals

        connect_signals()
        from meetings.bilaterals.schedule import register_busy_source
        from meetings.panels import register_meeting_section
        from secretariat import api, home

        home.register_panel(integrations.upcoming_panel)
        register_meeting_section(integrations.meeting_section)
        register_busy_source(integrations.partner_busy)
        from consultations.search import find_consultations
        from secretariat.search import register_kind

        register_kind("consultations", "Consultations", find_consultations, position=50)
        if integrations.me_calendar_url not in api.ME_EXTRAS:
            api.ME_EXTRAS.append(integrations.me_calendar_url)
