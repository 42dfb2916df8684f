from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from secretariat.models import (
    Administration,
    AdministrationName,
    Contact,
    Job,
    OutboxMessage,
    Partner,
    Profile,
)


class AdministrationNameInline(admin.TabularInline):
    model = AdministrationName
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["full_name", "position", "email", "phone", "is_head", "user"]
    raw_id_fields = ["user"]


@admin.register(Administration)
class AdministrationAdmin(admin.ModelAdmin):
    list_display = ["country", "code", "current_name", "time_zone", "membership_status"]
    inlines = [AdministrationNameInline, ContactInline]
    search_fields = ["country", "code", "names__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_names()

    @admin.display(description="name")
    def current_name(self, obj):
        return obj.name


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["short_name"]}


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"


user_model = get_user_model()
admin.site.unregister(user_model)


@admin.register(user_model)
class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "role", "affiliation",
                    "is_active"]
    list_filter = ["profile__role", "is_active", "is_staff"]
    list_select_related = ["profile__administration", "profile__partner"]

    @admin.display(description="role", ordering="profile__role")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description="affiliation")
    def affiliation(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.affiliation if profile else "—"


# --- Outbox and jobs (issue 9): every message and job with its state, attempts, last error --


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "purpose", "recipient", "state", "attempts", "due_at",
                    "sent_at", "short_error"]
    list_filter = ["state", "purpose"]
    search_fields = ["recipient", "message_id", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    # The rows are the record of what was sent: read only. Cancelling is a feature's act.
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "key", "state", "attempts", "due_at", "finished_at",
                    "short_error"]
    list_filter = ["state", "name"]
    search_fields = ["key", "last_error"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
