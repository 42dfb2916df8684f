from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Progress reports from member administrations and the reminders that chase them.

    A part of ``workgroups`` (it builds on its milestones) kept as its own Django app so that
    its models and migrations evolve on their own.
    """

    name = "workgroups.reporting"
    label = "reporting"
    verbose_name = "Progress reports and reminders"

    def ready(self) -> None:
        from workgroups.reporting.caching import connect_signals

        connect_signals()
        from secretariat.home import register_panel
        from workgroups.reporting.home import upcoming_deadlines_panel

        register_panel(upcoming_deadlines_panel)
