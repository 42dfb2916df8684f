from django.contrib import admin

from workgroups.reporting.models import (
    ProgressReport,
    ReminderDispatch,
    ReportEntry,
    ReportingCycle,
)


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "opens_at", "due_at", "body", "plan"]
    list_filter = ["status"]


class ReportEntryInline(admin.TabularInline):
    model = ReportEntry
    extra = 0
    raw_id_fields = ["milestone"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["cycle", "administration", "state", "submitted_at"]
    list_filter = ["state", "cycle"]
    inlines = [ReportEntryInline]


@admin.register(ReminderDispatch)
class ReminderDispatchAdmin(admin.ModelAdmin):
    """The reminder schedule; each email's delivery is in the outbox (Secretariat core >
    Outbox messages, purpose ``reporting.reminder``)."""

    list_display = ["kind", "administration", "cycle", "status", "scheduled_for",
                    "send_before", "queued_at", "note"]
    list_filter = ["status", "cycle", "escalation"]
    search_fields = ["administration__country"]
    readonly_fields = ["queued_at", "note"]
