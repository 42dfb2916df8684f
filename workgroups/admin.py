from django.contrib import admin

from workgroups.models import Body, FocalPoint


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    raw_id_fields = ["contact"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "reports_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [FocalPointInline]
