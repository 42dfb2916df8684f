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
        from workgroups.access import connect_chair_terms

        connect_chair_terms()

        from secretariat.search import register_kind
        from workgroups.search import find_bodies, find_milestones

        register_kind("milestones", "Milestones", find_milestones, position=20)
        register_kind("bodies", "Working groups and bodies", find_bodies, position=60)

        from secretariat.api import ME_EXTRAS
        from secretariat.home import register_profile_lines
        from workgroups.access import chair_lines, me_chairs

        register_profile_lines(chair_lines)

        from secretariat.access import register_second_factor_rule
        from workgroups.access import holds_chair_term

        register_second_factor_rule(holds_chair_term)
        if me_chairs not in ME_EXTRAS:
            ME_EXTRAS.append(me_chairs)
