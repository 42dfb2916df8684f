from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workgroups.enforcement.models import (
    EnforcementContact,
    Operation,
    OperationPhase,
    SeizureLine,
    SeizureReport,
    StatisticsRelease,
)


@admin.register(EnforcementContact)
class EnforcementContactAdmin(SimpleHistoryAdmin):
    """Where the secretariat sets the per-person enforcement clearance."""

    list_display = ["user", "administration", "designated_by", "designated_at"]
    list_filter = ["administration"]
    raw_id_fields = ["user"]
    readonly_fields = ["designated_by", "designated_at"]

    def save_model(self, request, obj, form, change):
        obj.designated_by = request.user
        super().save_model(request, obj, form, change)


class PhaseInline(admin.TabularInline):
    model = OperationPhase
    extra = 0


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["name", "lead", "body", "starts_on", "ends_on"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["participants", "milestones"]
    inlines = [PhaseInline]


class LineInline(admin.TabularInline):
    model = SeizureLine
    extra = 0


@admin.register(SeizureReport)
class SeizureReportAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "operation", "administration", "seized_on", "mode", "is_illustrative"]
    list_filter = ["operation", "administration", "mode", "is_illustrative"]
    inlines = [LineInline]


@admin.register(StatisticsRelease)
class StatisticsReleaseAdmin(admin.ModelAdmin):
    list_display = ["operation", "released_at", "released_by"]
    readonly_fields = ["cells"]
