import logging

from django import forms
from django.core.exceptions import ValidationError

from meetings.models import AccessLevel, Document
from meetings.uploads import ALLOWED_EXTENSIONS, inspect_upload
from secretariat.security_log import log_event

MAX_FILES_PER_UPLOAD = 20


def checked_upload(request, file, *, field: str = "file"):
    """Inspect one upload; on refusal, log a WARNING ``upload_rejected`` and re-raise."""
    try:
        return inspect_upload(file, file.name)
    except ValidationError as exc:
        log_event(
            "upload_rejected",
            request,
            level=logging.WARNING,
            reason=exc.code or "invalid",
            field=field,
            size=getattr(file, "size", None),
        )
        raise


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern from Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        accept = ",".join(ALLOWED_EXTENSIONS)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        # Empty files reach ``inspect_upload`` so every refusal is logged the same way.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not isinstance(data, list | tuple):
            return [single(data, initial)] if data else single(data, initial)
        cleaned, errors = [], []
        for upload in data:
            try:
                cleaned.append(single(upload, initial))
            except ValidationError as exc:
                # Which file: Django's own checks (name too long...) do not say.
                name = getattr(upload, "name", "") or "A file"
                errors.extend(f"{name[:80]}: {m}" for m in exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class DocumentUploadForm(forms.Form):
    """Several files in one go, all or nothing: when one file is refused none is stored, and
    ``file_report`` says file by file which were refused (and why) and which were fine, so
    the sender fixes or removes the bad one and sends the rest again. All or nothing because
    a batch is usually one meeting's set of papers, and half a set is easy to miss."""

    files = MultipleFileField(
        label="Files",
        help_text="One or more PDF, Word, Excel, PowerPoint, PNG or JPEG files. All or "
        "nothing: if one file is refused, none is uploaded, and the list says which file "
        "and why.",
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="Only for a single file; several files take their file names as titles.",
    )
    kind = forms.ChoiceField(choices=Document.Kind.choices, initial=Document.Kind.WORKING_PAPER)
    access_level = forms.ChoiceField(choices=AccessLevel.choices, initial=AccessLevel.MEMBERS)
    language = forms.CharField(max_length=10, initial="en")
    agenda_item = forms.ModelChoiceField(queryset=None, required=False)
    embargo_until = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Optional: before this time (your time zone) the embargo level applies.",
    )
    embargo_level = forms.ChoiceField(choices=AccessLevel.choices, initial=AccessLevel.MEMBERS)

    def __init__(self, *args, meeting, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.request = request
        self.fields["agenda_item"].queryset = (
            meeting.agenda_items.select_related("parent").in_agenda_order()
        )
        self.inspected = []
        # (file name, refusal messages: empty when the file was fine), in the order sent.
        self.file_report: list[tuple[str, list[str]]] = []

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise ValidationError(f"Upload at most {MAX_FILES_PER_UPLOAD} files at once.")
        errors, inspected, report = [], [], []
        for upload in files:
            try:
                inspected.append((upload, checked_upload(self.request, upload, field="files")))
            except ValidationError as exc:
                # Say which file, but never echo a name that carries control characters.
                label = (upload.name if exc.code not in {"control_in_name"} else "A file")[:80]
                errors.extend(f"{label}: {m}" for m in exc.messages)
                report.append((label, list(exc.messages)))
            else:
                report.append((upload.name[:80], []))
        self.file_report = report
        if errors:
            fine = [name for name, problems in report if not problems]
            if fine:
                errors.append("Nothing was uploaded. These files were fine and can be sent "
                              "again without the refused ones: " + ", ".join(fine) + ".")
            else:
                errors.append("Nothing was uploaded.")
            raise ValidationError(errors)
        self.inspected = inspected
        return files

    def refuse_file(self, name: str, messages: list[str]) -> None:
        """A file the service refused after the checks (the batch is rolled back)."""
        self.file_report = [(n, messages if n == name[:80] else p)
                            for n, p in self.file_report]
        fine = [n for n, p in self.file_report if not p]
        tail = (" These files were fine and can be sent again: " + ", ".join(fine) + "."
                if fine else "")
        self.add_error("files", [f"{name[:80]}: {m}" for m in messages]
                       + ["Nothing was uploaded." + tail])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") and len(cleaned.get("files") or []) > 1:
            self.add_error("title", "Leave the title empty when uploading several files.")
        return cleaned


class DocumentVersionForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True, help_text="The new version; the earlier ones stay available."
    )
    reason = forms.CharField(
        max_length=300, required=False, help_text="Required for adopted minutes (a correction)."
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.inspected = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.inspected = checked_upload(self.request, upload)
        return upload


class MeetingFilterForm(forms.Form):
    """``bodies``: the bodies' codes."""

    body = forms.ChoiceField(required=False)
    year = forms.IntegerField(required=False, min_value=1995, max_value=2100)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "All bodies"), *[(code, code) for code in bodies]]


class EvidenceAttachForm(forms.Form):
    """The choice of milestone on a document's page. The service re-checks the rights: the
    choices only spare editors milestones they could not change."""

    milestone = forms.TypedChoiceField(
        coerce=int,
        label="Attach as evidence to milestone…",
        help_text="Milestones you may edit, by owner body.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for m in milestones:
            groups.setdefault(m.body.code, []).append((m.pk, f"{m.code} {m.title}"))
        self.fields["milestone"].choices = [("", "Choose a milestone"), *groups.items()]


class EvidenceTargetForm(forms.Form):
    """What an attach or detach request names; who may do it is the service's question."""

    milestone = forms.IntegerField(min_value=1)
    back = forms.ChoiceField(choices=[("document", "document"), ("milestone", "milestone")],
                             required=False)
