"""REST API of reporting: ``/api/v1/reports/`` (read-only).

A delegate (or chair-country staff) sees their own administration's reports, the secretariat
all of them, anyone else an empty list; another administration's report is a 404.
"""

import django_filters
from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from secretariat.api import IdFilter
from workgroups.reporting.models import ProgressReport, ReportEntry


class ReportEntrySerializer(serializers.ModelSerializer):
    milestone = serializers.CharField(source="milestone.code", read_only=True)

    class Meta:
        model = ReportEntry
        fields = ["milestone", "leads", "status", "progress", "narrative"]


class ProgressReportSerializer(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.title", read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    due_at = serializers.DateTimeField(source="cycle.due_at", read_only=True)
    administration = serializers.CharField(source="administration.code", read_only=True)
    late = serializers.BooleanField(read_only=True)
    entries = ReportEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "cycle", "cycle_id", "due_at", "administration", "state",
                  "submitted_at", "late", "entries"]


class ProgressReportFilter(django_filters.FilterSet):
    # An id no cycle has is an empty list, not "Select a valid choice".
    cycle = IdFilter(field_name="cycle_id")

    class Meta:
        model = ProgressReport
        fields = ["state", "cycle"]


class ProgressReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilter

    def get_queryset(self):
        # 3 queries for a page whatever its size: count, reports (+cycle, administration),
        # entries (+milestone).
        return (
            ProgressReport.objects.visible_to(self.request.user)
            .select_related("cycle", "administration")
            .prefetch_related(Prefetch(
                "entries", queryset=ReportEntry.objects.select_related("milestone")))
            .order_by("-cycle__due_at", "administration__country")
        )
