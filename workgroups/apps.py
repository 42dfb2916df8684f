from django.apps import AppConfig


class WorkgroupsConfig(AppConfig):
    name = "workgroups"
    verbose_name = "Working groups and the Strategic Plan"

    def ready(self) -> None:
        from secretariat.home import register_panel
        from workgroups.caching import connect_signals
        from workgroups.home import overdue_and_at_risk_panel

        register_panel(overdue_and_at_risk_panel)
        connect_signals()
