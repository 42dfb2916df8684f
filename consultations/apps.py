from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Dialogue-partner consultations"

    def ready(self):
        from consultations import integrations
        from secretariat import api, home

        home.register_panel(integrations.upcoming_panel)
        if integrations.me_calendar_url not in api.ME_EXTRAS:
            api.ME_EXTRAS.append(integrations.me_calendar_url)
