"""Admin for consultations. Saves go through the services, so editing here raises SEQUENCE
and sends the partner's change notices exactly as any other client would."""

from django.contrib import admin

from consultations import services
from consultations.models import (
    CalendarFeedToken,
    Consultation,
    ConsultationNotice,
    ConsultationSeries,
    PartnerContact,
)


@admin.register(PartnerContact)
class PartnerContactAdmin(admin.ModelAdmin):
    list_display = ["full_name", "partner", "email", "receives_notices"]
    list_filter = ["partner", "receives_notices"]
    search_fields = ["full_name", "email"]
    raw_id_fields = ["user"]


@admin.register(ConsultationSeries)
class ConsultationSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "level", "is_numbered"]
    list_filter = ["level"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "status", "published", "sequence"]
    list_filter = ["status", "published", "series__partner"]
    list_select_related = ["series__partner"]
    readonly_fields = ["sequence", "uid", "date"]
    raw_id_fields = ["meeting"]
    filter_horizontal = ["documents"]
    fields = ["series", "ordinal", "meeting", "starts_at", "ends_at", "time_zone", "date",
              "venue", "mode", "mode_note", "status", "agenda", "published", "documents",
              "sequence", "uid"]
    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data
                if name in services.EDITABLE_FIELDS}
        if change:
            services.consultation_update(actor=request.user, consultation=obj, **data)
        else:
            # An empty ordinal means "the next in the series" (the service computes it).
            extra = {name: form.cleaned_data[name] for name in
                     ("meeting", "venue", "mode", "mode_note", "status", "agenda", "published")}
            saved = services.consultation_create(
                actor=request.user, series=obj.series, starts_at=obj.starts_at,
                ends_at=obj.ends_at, time_zone=obj.time_zone, ordinal=obj.ordinal, **extra,
            )
            obj.pk = saved.pk
            obj._state.adding = False


@admin.register(ConsultationNotice)
class ConsultationNoticeAdmin(admin.ModelAdmin):
    """What changed; each email's delivery is in the outbox (purpose consultations.notice)."""

    list_display = ["consultation", "change", "sequence", "created_at"]
    list_filter = ["change"]
    readonly_fields = [f.name for f in ConsultationNotice._meta.fields]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "rotated_at"]
    # The secret itself is never shown: the owner sees it on their pages.
    exclude = ["token"]
    readonly_fields = ["user", "created_at", "rotated_at"]
