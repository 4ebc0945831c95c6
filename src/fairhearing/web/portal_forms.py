"""The member portal's forms: replying to a notice, and appealing a decision.

They parse and check what can be checked before anything is kept (a file's type and size, a missing description),
so a member sees every problem at once; the services then decide what the procedure allows, and their refusals are
put on the fields they are about (`refusal_field`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from fairhearing.cases.models import EvidenceKind
from fairhearing.evidence.sniffing import UploadRefused, check_upload
from fairhearing.procedure.errors import Refusal
from fairhearing.procedure.next_steps import APPEAL_GROUND_LABELS
from fairhearing.procedure.workflow import APPEAL_GROUNDS

# How many files a reply can carry. Fixed inputs rather than a "multiple" picker, so each file gets its own
# description and its own error message, and the form works without JavaScript.
FILE_SLOTS = 3


def sentence(message: str) -> str:
    """A service's message ('the file is empty') as a sentence on the page ('The file is empty.')."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


@dataclass(frozen=True)
class Attachment:
    """A file the member attached, checked, with what they said it is."""

    slot: int
    name: str
    data: bytes
    media_type: str
    description: str

    @property
    def kind(self) -> str:
        # A picture is almost always a screenshot of a post or a message; anything else is a document.
        return EvidenceKind.SCREENSHOT if self.media_type.startswith("image/") else EvidenceKind.DOCUMENT

    @property
    def field(self) -> str:
        return f"file_{self.slot}"


def _read(upload: UploadedFile) -> bytes:
    return b"".join(upload.chunks())


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your reply to the allegations",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "Answer each allegation in your own words: what you accept, what you deny, and anything the panel "
            "should know. You can also say whether you want an oral hearing and who will accompany you."
        ),
        error_messages={"required": "Write your reply to the allegations."},
        max_length=50_000,
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        kinds = "a picture (PNG, JPEG, GIF, WebP), a PDF, a text file, an email, or a Word or OpenDocument file"
        limit = f"{settings.FAIRHEARING_EVIDENCE_MAX_BYTES // (1024 * 1024)} MB"
        for n in range(1, FILE_SLOTS + 1):
            self.fields[f"file_{n}"] = forms.FileField(
                label=f"File {n}",
                required=False,
                help_text=f"Optional: {kinds}, up to {limit}.",
                error_messages={"empty": "The file is empty.", "invalid": "This is not a file that can be uploaded."},
            )
            self.fields[f"description_{n}"] = forms.CharField(
                label=f"What file {n} is",
                required=False,
                max_length=500,
                help_text="For example: my message to the branch secretary of 3 May.",
            )
        self.attachments: list[Attachment] = []

    def slots(self) -> Iterator[tuple[int, forms.BoundField, forms.BoundField]]:
        for n in range(1, FILE_SLOTS + 1):
            yield n, self[f"file_{n}"], self[f"description_{n}"]

    def clean(self) -> dict:
        data = super().clean()
        seen: dict[str, int] = {}
        for n in range(1, FILE_SLOTS + 1):
            upload, description = data.get(f"file_{n}"), (data.get(f"description_{n}") or "").strip()
            if f"file_{n}" in self.errors:
                continue
            if upload is None:
                if description:
                    self.add_error(f"file_{n}", f"Choose file {n}, or clear its description.")
                continue
            try:
                checked = check_upload(
                    upload.name,
                    _read(upload),
                    max_bytes=settings.FAIRHEARING_EVIDENCE_MAX_BYTES,
                    allowed=settings.FAIRHEARING_EVIDENCE_MEDIA_TYPES,
                )
            except UploadRefused as refused:
                self.add_error(f"file_{n}", sentence(str(refused)))
                continue
            if checked.sha256 in seen:
                self.add_error(f"file_{n}", f"This is the same file as file {seen[checked.sha256]}.")
                continue
            seen[checked.sha256] = n
            if not description:
                self.add_error(f"description_{n}", f"Say what file {n} is.")
                continue
            self.attachments.append(Attachment(n, checked.name, checked.data, checked.media_type, description))
        return data

    def refusal_field(self, refusal: Refusal, attachment: Attachment | None = None) -> str | None:
        """The field a refusal of the services is about; None for the form as a whole."""
        if attachment is not None and refusal.guard == "file":
            return attachment.field
        if attachment is not None and refusal.guard == "description":
            return f"description_{attachment.slot}"
        if refusal.guard == "refused":  # record_response's own check: an empty reply
            return "response"
        return None


class AppealForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label="Your grounds of appeal",
        choices=[(g, label) for g, label in APPEAL_GROUND_LABELS.items() if g in APPEAL_GROUNDS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every ground that applies.",
        error_messages={
            "required": "Tick at least one ground of appeal.",
            "invalid_choice": "Choose your grounds from the list.",
        },
    )
    explanation = forms.CharField(
        label="Why you are appealing",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Explain each ground you ticked: what went wrong, and what you want the appeals panel to do.",
        error_messages={"required": "Explain why you are appealing."},
        max_length=50_000,
    )

    def __init__(self, *args, late: bool = False, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.late = late
        if late:
            self.fields["late_reason"] = forms.CharField(
                label="Why your appeal is late",
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="The appeals body decides whether to accept a late appeal, on the reason you give.",
                error_messages={"required": "Say why your appeal is late."},
                max_length=5_000,
            )

    def refusal_field(self, refusal: Refusal) -> str | None:
        if refusal.guard == "grounds":
            return "grounds"
        if self.late and refusal.guard in {"appeal_in_time", "late_appeal_by_appeals_body"}:
            return "late_reason"
        return None
