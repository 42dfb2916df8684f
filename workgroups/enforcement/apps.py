from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """Joint enforcement operations (the CECWG follows them) and the seizure reports that
    member administrations file, behind a clearance of their own (``access.sees_seizures``).

    A part of ``workgroups`` kept as its own Django app, like ``workgroups.reporting``.
    """

    name = "workgroups.enforcement"
    label = "enforcement"
    verbose_name = "Enforcement operations and seizure reports"

    def ready(self) -> None:
        from workgroups.enforcement.caching import connect_signals

        connect_signals()
        from secretariat.home import register_panel
        from workgroups.enforcement.home import (
            body_operations_panel,
            milestone_operations_panel,
            recent_seizures_panel,
        )
        from workgroups.panels import register_body_panel, register_milestone_panel

        register_panel(recent_seizures_panel)
        register_body_panel(body_operations_panel)
        register_milestone_panel(milestone_operations_panel)
