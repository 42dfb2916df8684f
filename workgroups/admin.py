from django.contrib import admin

from workgroups.models import (
    ActionLine,
    Body,
    BodyChairTerm,
    FocalPoint,
    Initiative,
    InitiativeParticipation,
    Milestone,
    MilestoneEvidence,
    NationalImplementation,
    Plan,
    StrategicGoal,
)
from workgroups.services import EDITABLE_FIELDS


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    raw_id_fields = ["contact"]


class ChairTermInline(admin.TabularInline):
    model = BodyChairTerm
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "reports_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [ChairTermInline, FocalPointInline]


class GoalInline(admin.TabularInline):
    model = StrategicGoal
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "start_year", "end_year", "endorsed_at", "published"]
    inlines = [GoalInline]


class ActionLineInline(admin.TabularInline):
    model = ActionLine
    extra = 0


@admin.register(StrategicGoal)
class StrategicGoalAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]
    inlines = [ActionLineInline]


class EvidenceInline(admin.TabularInline):
    model = MilestoneEvidence
    extra = 0
    fields = ["title", "url"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Set-up fields only: status, progress and dates change through the pages and the API,
    where the version check and the comment are enforced. (No simple-history admin either:
    its "revert" would save old values without the version check.)"""

    list_display = ["code", "title", "body", "status", "progress", "due_date", "published"]
    list_filter = ["body", "status", "published", "action_line__goal__plan"]
    search_fields = ["code", "title"]
    filter_horizontal = ["lead_administrations"]
    inlines = [EvidenceInline]

    def get_readonly_fields(self, request, obj=None):
        # On creation every field is open; afterwards the tracked ones are not.
        return [*EDITABLE_FIELDS, "version"] if obj else ["version"]

    def save_model(self, request, obj, form, change):
        if change:
            # Write only what the admin form changed, so a concurrent status edit made
            # through the service is not overwritten with the stale values loaded here.
            fields = [f for f in form.changed_data if f not in EDITABLE_FIELDS
                      and f != "lead_administrations"]
            if fields:
                # The history row snapshots the whole object: take the tracked values from
                # the database, not from the page loaded minutes ago.
                fresh = Milestone.objects.values(*EDITABLE_FIELDS, "version").get(pk=obj.pk)
                for name, value in fresh.items():
                    setattr(obj, name, value)
                obj._history_user = request.user
                obj.save(update_fields=fields)
            return
        super().save_model(request, obj, form, change)


@admin.register(NationalImplementation)
class NationalImplementationAdmin(admin.ModelAdmin):
    list_display = ["milestone", "administration", "status", "status_on"]
    list_filter = ["status", "administration"]
    readonly_fields = ["version"]


class ParticipationInline(admin.TabularInline):
    model = InitiativeParticipation
    extra = 0
    readonly_fields = ["version", "updated_by"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "body", "position"]
    inlines = [ParticipationInline]
