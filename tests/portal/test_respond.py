"""Replying to the notice through the portal: the reply and its files are kept together, or nothing is."""

from __future__ import annotations

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairhearing.cases.models import EventKind, EvidenceItem, EvidenceKind, TimelineEvent
from fairhearing.evidence.services import read_evidence_file
from fairhearing.procedure.admissibility import Provenance
from fairhearing.procedure.stages import Stage
from tests.portal.cases import SERVED_FILE, Journey
from tests.portal.helpers import blobs, client_for, counts
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
REPLY = "I deny the allegation.\nThe message was a joke between friends, as the screenshot shows."


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def url(case) -> str:
    return f"/portal/cases/{case.reference}/respond/"


def test_the_form_is_labelled_and_offers_file_inputs(org):
    case = Journey(org, days_ago=3).notice().case
    response = client_for(org, "respondent").get(url(case))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    assert '<label for="id_response">Your reply to the allegations</label>' in body
    for n in (1, 2, 3):
        assert f'<label for="id_file_{n}">File {n}</label>' in body
        assert f'<label for="id_description_{n}">What file {n} is</label>' in body
        assert f'type="file" name="file_{n}"' in body
    assert 'aria-describedby="id_response_helptext"' in body


def test_a_reply_with_files_records_the_response_and_the_evidence_together(org):
    journey = Journey(org, days_ago=3).notice()
    case = journey.case
    client = client_for(org, "respondent")
    response = client.post(
        url(case),
        {
            "response": REPLY,
            "file_1": SimpleUploadedFile("screenshot.png", PNG, content_type="image/png"),
            "description_1": "Screenshot of the whole conversation",
            "file_2": SimpleUploadedFile("statement.docx", docx(), content_type="application/octet-stream"),
            "description_2": "A statement from a friend who was there",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/portal/cases/{case.reference}/"
    case.refresh_from_db()
    assert case.stage == Stage.RESPONSE_RECEIVED
    event = TimelineEvent.objects.get(case=case, kind=EventKind.RESPONSE_RECEIVED)
    assert event.data == {"response": REPLY} and event.actor == org.users["respondent"]
    items = list(EvidenceItem.objects.filter(case=case, provenance=Provenance.RESPONDENT).order_by("pk"))
    assert [(i.kind, i.description, i.original_name, i.added_by) for i in items] == [
        (EvidenceKind.SCREENSHOT, "Screenshot of the whole conversation", "screenshot.png", org.users["respondent"]),
        (EvidenceKind.DOCUMENT, "A statement from a friend who was there", "statement.docx", org.users["respondent"]),
    ]
    assert read_evidence_file(items[0], org.users["respondent"]) == PNG
    # The case page says it worked, and shows the reply and the files as the respondent's own.
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Your reply with 2 files was received." in page and 'role="status"' in page
    assert REPLY in page and page.count("Supplied by you on") == 2
    # The complainant sees none of it.
    other = html.unescape(client_for(org, "complainant").get(response["Location"]).content.decode())
    assert "joke between friends" not in other and "Screenshot of the whole conversation" not in other


def test_a_reply_without_files(org):
    case = Journey(org, days_ago=3).notice().case
    response = client_for(org, "respondent").post(url(case), {"response": "I deny it."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.RESPONSE_RECEIVED and not case.evidence.filter(provenance=Provenance.RESPONDENT)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64, "cannot be"),
        ("empty.pdf", b"", "The file is empty."),
        (
            "photo.png",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
            "is named as a PNG",
        ),
    ],
    ids=["executable", "empty", "mislabelled"],
)
def test_a_refused_file_is_shown_on_its_field_and_nothing_is_kept(org, name, data, message):
    case = Journey(org, days_ago=3).notice().case
    client = client_for(org, "respondent")  # signing in is itself on the audit log: before counting
    before = counts(case)
    response = client.post(
        url(case),
        {
            "response": REPLY,
            "file_1": SimpleUploadedFile("screenshot.png", PNG, content_type="image/png"),
            "description_1": "A good file",
            "file_2": SimpleUploadedFile(name, data),
            "description_2": "A bad file",
        },
    )
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert 'role="alert"' in body and "There is a problem" in body
    assert "choose them again before you send it" in body
    # The error is on the second file's input: linked from the summary, and described by its error list.
    assert '<a href="#id_file_2">' in body and 'id="id_file_2_error"' in body
    assert message in body.split('id="id_file_2_error"')[1].split("</ul>")[0]
    assert 'aria-describedby="id_file_2_helptext id_file_2_error"' in body
    # What the member wrote is kept in the form, so they need not type it again.
    assert REPLY in body
    assert counts(case) == before


def test_a_file_the_evidence_service_refuses_rolls_everything_back_with_its_blobs(org):
    """The form's checks pass, but the service refuses the second file (it is already evidence in the case): the
    reply and the first file, both already written inside the transaction, are undone, and so is the blob."""
    journey = Journey(org, days_ago=3).notice()
    case = journey.case
    client = client_for(org, "respondent")  # signing in is itself on the audit log: before counting
    before = counts(case)
    response = client.post(
        url(case),
        {
            "response": REPLY,
            "file_1": SimpleUploadedFile("screenshot.png", PNG),
            "description_1": "A new file",
            "file_2": SimpleUploadedFile("again.txt", SERVED_FILE),
            "description_2": "The message, again",
        },
    )
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert f"This file is already evidence item {journey.served.pk} in this case." in body
    assert '<a href="#id_file_2">' in body
    assert counts(case) == before and len(blobs()) == 1  # only the served file's


def test_form_checks_name_the_field(org):
    case = Journey(org, days_ago=3).notice().case
    client = client_for(org, "respondent")  # signing in is itself on the audit log: before counting
    before = counts(case)
    response = client.post(
        url(case),
        {
            "response": "  ",
            "file_1": SimpleUploadedFile("screenshot.png", PNG),
            "description_2": "A description without its file",
            "file_3": SimpleUploadedFile("same.png", PNG),
            "description_3": "The same picture",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    for field, message in (
        ("response", "Write your reply to the allegations."),
        ("description_1", "Say what file 1 is."),
        ("file_2", "Choose file 2, or clear its description."),
        ("file_3", "This is the same file as file 1."),
    ):
        assert f'<li><a href="#id_{field}">{message}</a></li>' in body
        assert f'id="id_{field}_error"' in body
    assert counts(case) == before


def test_the_engine_refuses_a_reply_at_the_wrong_stage(org):
    case = Journey(org, days_ago=10).respond().case
    client = client_for(org, "respondent")
    page = client.get(url(case)).content.decode()
    assert "You cannot reply to the allegations now." in page and "<form method" not in page.split("<main")[1]
    before = counts(case)
    response = client.post(
        url(case),
        {"response": "Another reply", "file_1": SimpleUploadedFile("x.png", PNG), "description_1": "More"},
    )
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert 'role="alert"' in body
    assert "This cannot be done while the case is at the stage 'response received'." in body
    assert counts(case) == before


def test_the_reply_needs_the_csrf_token(org):
    case = Journey(org, days_ago=3).notice().case
    client = sign_in(Client(enforce_csrf_checks=True), org.users["respondent"])
    before = counts(case)
    assert client.post(url(case), {"response": REPLY}).status_code == 403
    assert counts(case) == before


def test_the_complainant_has_no_reply_page(org):
    case = Journey(org, days_ago=3).notice().case
    client = client_for(org, "complainant")
    before = counts(case)
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"response": "I reply for them"}).status_code == 404
    assert counts(case) == before
