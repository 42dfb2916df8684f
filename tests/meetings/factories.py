"""Factories for meetings. Documents get a real stored file so downloads can be tested."""

import datetime as dt
import hashlib

import factory
from django.core.files.base import ContentFile

from meetings import samples
from meetings.models import (
    AccessLevel,
    AgendaItem,
    Delegation,
    DelegationMember,
    Document,
    DocumentVersion,
    Meeting,
)
from workgroups.models import Body


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ["code"]

    code = "DG"
    name = "ASEAN Directors-General of Customs Meeting"
    kind = Body.Kind.DG_MEETING


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    ordinal = factory.Sequence(lambda n: 40 + n)
    city = "Phu Quoc"
    start_date = dt.date(2024, 6, 4)
    end_date = dt.date(2024, 6, 6)
    time_zone = "Asia/Ho_Chi_Minh"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def add_version(document: Document, content: bytes, filename: str, *, user=None, reason=""):
    last = document.versions.count()
    version = DocumentVersion(
        document=document, number=last + 1, original_filename=filename,
        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
        content_type=CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), CONTENT_TYPES["docx"]),
        uploaded_by=user, reason=reason,
    )
    version.file.save(filename, ContentFile(content), save=False)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version"])
    return version


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document with one PDF version whose text names its title."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")
    kind = Document.Kind.WORKING_PAPER
    access_level = AccessLevel.MEMBERS

    @factory.post_generation
    def file(self, create, extracted, **kwargs):
        if not create:
            return
        content = extracted or samples.make_pdf(self.title, ["ASEAN customs"])
        add_version(self, content, kwargs.get("filename", f"{self.title}.pdf"))


def make_head_of_delegation(meeting, user):
    delegation, _ = Delegation.objects.get_or_create(
        meeting=meeting, administration=user.profile.administration
    )
    return DelegationMember.objects.create(
        delegation=delegation, full_name=user.get_full_name(), user=user,
        role=DelegationMember.Role.HEAD,
    )
