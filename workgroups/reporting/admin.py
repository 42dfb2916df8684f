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
    """Outbound reminders and their delivery state; failed ones are what to look at."""

    list_display = ["kind", "administration", "cycle", "status", "due_at", "attempts",
                    "sent_at", "last_error"]
    list_filter = ["status", "cycle", "escalation"]
    search_fields = ["message_id", "administration__country"]
    readonly_fields = ["message_id", "recipients", "claimed_at", "enqueued_at", "sent_at",
                       "attempts", "last_error"]
