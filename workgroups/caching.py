"""The Strategic Plan's data version (``secretariat.dataversion``), and the names the plan's
pages, services and bulk imports have used for it.

The dashboard, the body list, the home panel and the milestones API list are the plan's most
visited reads, and what they show (roll-ups, status counts, the member-state matrix, list
rows, who chairs what) changes only when someone edits the plan. Writes through
``workgroups.services`` call ``bump_plan_data_version()`` (their ``QuerySet.update()`` sends
no signal); every other save or delete of the models the pages read (admin edits, the demo
loader, the shell) is caught by the receivers ``connect_signals`` sets up.
"""

from collections.abc import Callable

from secretariat.dataversion import ENTRY_SECONDS, DataVersion, process_cache  # noqa: F401

# The key the plan's own implementation used, so that a deploy keeps the current token.
VERSION_KEY = "workgroups:plan-data-version"
PLAN = DataVersion("plan", key=VERSION_KEY)

bump_plan_data_version = PLAN.bump
plan_data_version = PLAN.current
# Bulk imports (``workgroups.bulk``, ``tests/bench_seed.py``): one bump at the end.
one_bump_for_all = PLAN.batch
public_page = PLAN.public_page


def cached(scope: str, parts: tuple, build: Callable[[], object]) -> tuple[object, bool]:
    """``PLAN.cached`` under a page's ``scope``; returns (value, False): whether it was a hit
    is no longer told."""
    return PLAN.cached((scope, *parts), build), False


def connect_signals() -> None:
    """Bump on any ORM write to what the cached pages show (called from ``AppConfig.ready``)."""
    from secretariat.models import Administration, AdministrationName
    from workgroups.models import (
        ActionLine,
        Body,
        BodyChairTerm,
        Milestone,
        NationalImplementation,
        Plan,
        StrategicGoal,
    )

    PLAN.connect([Administration, AdministrationName, ActionLine, Body, BodyChairTerm,
                  Milestone, NationalImplementation, Plan, StrategicGoal],
                 m2m=[Milestone.lead_administrations.through])
