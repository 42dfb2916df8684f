from django.apps import AppConfig


class BilateralsConfig(AppConfig):
    """Bilateral side meetings held beside a meeting: requests, answers, the clash-free
    schedule of slots and rooms, each delegation's grid and calendar feed.

    A part of ``meetings`` (it builds on a meeting's sessions and delegations) kept as its own
    Django app, like ``workgroups.reporting``.
    """

    name = "meetings.bilaterals"
    label = "bilaterals"
    verbose_name = "Bilateral side meetings"
