from django.contrib import admin, messages

from meetings import services
from meetings.models import (
    AgendaItem,
    Delegation,
    DelegationMember,
    Document,
    DocumentVersion,
    DownloadLog,
    Meeting,
    MilestoneEvidenceDocument,
    Session,
)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["parent", "position", "title", "visibility"]
    raw_id_fields = ["parent"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "ordinal", "host", "host_is_inferred", "city", "start_date"]
    list_filter = ["body", "host_is_inferred"]
    list_select_related = ["body", "host"]
    search_fields = ["title", "city", "venue"]
    inlines = [SessionInline, AgendaItemInline]
    actions = ["propose_next_meeting"]

    @admin.action(description="Propose the next meeting (host from the rotation)")
    def propose_next_meeting(self, request, queryset):
        for meeting in queryset:
            proposal = services.meeting_propose_next(actor=request.user, after=meeting)
            self.message_user(
                request,
                f"{proposal}: host {proposal.host or 'none'}"
                f"{' (proposed, to confirm)' if proposal.host_is_inferred else ''}.",
                messages.INFO,
            )


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["administration", "meeting", "capacity"]
    list_filter = ["meeting", "capacity"]
    list_select_related = ["administration", "meeting__body"]
    inlines = [DelegationMemberInline]


class DocumentVersionInline(admin.TabularInline):
    """Read-only: versions are added through the upload pages so files are checked."""

    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ["number", "original_filename", "size", "sha256", "uploaded_by", "uploaded_at",
              "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceDocumentInline(admin.TabularInline):
    """Milestones citing the document. Pages add links through the service, which checks the
    editor's rights; the admin is the secretariat's own correction tool."""

    model = MilestoneEvidenceDocument
    extra = 0
    fields = ["milestone", "added_by", "added_at"]
    raw_id_fields = ["milestone", "added_by"]
    verbose_name = "evidence for milestone"
    verbose_name_plural = "evidence for milestones"


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "kind", "access_level", "embargo_until", "minutes_state"]
    list_filter = ["kind", "access_level", "minutes_state"]
    list_select_related = ["meeting__body"]
    search_fields = ["title"]
    raw_id_fields = ["agenda_item", "current_version", "created_by"]
    inlines = [DocumentVersionInline, EvidenceDocumentInline]


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ["downloaded_at", "user", "version", "channel", "ip"]
    list_filter = ["channel"]
    list_select_related = ["user", "version__document"]
    date_hierarchy = "downloaded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
