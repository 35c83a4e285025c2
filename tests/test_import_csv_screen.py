"""The upload screen end to end: send a file, the real task worker imports
it, the page shows progress and problems, and the error file downloads."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.auth import sign_in
from tests.factories import ProgramFactory
from welcomeback.care.models import Client
from welcomeback.interop.models import ImportRun

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = (
    "client,first_name,last_name,phone,admitted\n"
    "C1,Maya,Okafor,(212) 555-0142,2026-03-02\n"
    "C2,Jordan,Lee,12,2026-03-02\n"
    "C3,Sam,Ortiz,,03/02/2026\n"
)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def uploads(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


@pytest.fixture
def admin_client(client, program):
    user = User.objects.create_user("ada", password="x-long-enough-1")
    return sign_in(client, user, programs=program, roles=("org_admin",))


def upload(client, program, text=CLIENTS, **fields):
    data = {
        "program": program.pk,
        "kind": "clients",
        "preset": "welcomeback",
        "encoding": "",
        "date_format": "",
        "file": SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv"),
        **fields,
    }
    return client.post("/staff/import/", data)


def test_an_upload_is_imported_by_the_worker_and_its_problems_shown(admin_client, program, uploads):
    page = admin_client.get("/staff/import/")
    assert page.status_code == 200
    assert "Import from your EHR" in page.text

    answer = upload(admin_client, program)
    run = ImportRun.objects.get()
    assert answer.status_code == 302 and answer.url == f"/staff/import/{run.pk}/"
    assert run.state == "queued" and run.original_name == "export.csv"
    # The stored name is ours, never the one the person chose.
    assert [p.name for p in uploads.iterdir()] == [run.stored_path]

    waiting = admin_client.get(answer.url)
    assert 'hx-trigger="every 1s"' in waiting.text
    assert "Waiting to start" in waiting.text

    run_worker()

    run.refresh_from_db()
    assert (run.state, run.rows_read, run.created_count, run.error_count) == ("done", 3, 1, 2)
    assert run.encoding_used == "utf-8"
    assert list(Client.objects.values_list("external_id", flat=True)) == ["C1"]
    assert not any(uploads.iterdir()), "the upload holds client data: deleted once imported"

    partial = admin_client.get(answer.url, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and "every 1s" not in partial.text
    assert "Finished." in partial.text
    assert "This is not a phone number we can text or call." in partial.text
    assert "month/day or day/month" in partial.text
    assert '<progress id="import-progress" max="100" value="100">' in partial.text

    download = admin_client.get(f"/staff/import/{run.pk}/problems.csv")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows == [
        ["line", "column", "reason"],
        ["3", "phone", "This is not a phone number we can text or call."],
        ["4", "admitted", rows[2][2]],
    ]
    assert "03/02/2026" in rows[2][2]


def test_a_latin1_upload_stops_with_advice_until_its_encoding_is_chosen(
    admin_client, program, uploads
):
    latin = CLIENTS.replace("Okafor", "Núñez").encode("latin-1").decode("latin-1")

    def send(encoding):
        data = SimpleUploadedFile("l.csv", latin.encode("latin-1"), content_type="text/csv")
        return upload(admin_client, program, file=data, encoding=encoding)

    send("")
    run_worker()
    failed = ImportRun.objects.get()
    assert failed.state == "failed" and "Latin-1" in failed.message
    assert "Latin-1" in admin_client.get(f"/staff/import/{failed.pk}/").text
    assert not Client.objects.exists()

    send("latin-1")
    run_worker()
    done = ImportRun.objects.latest("pk")
    assert (done.state, done.encoding_used) == ("done", "latin-1")
    assert Client.objects.get(external_id="C1").last_name == "Núñez"


def test_only_people_who_may_import_see_the_screen_or_a_run(client, program, uploads):
    run = ImportRun.objects.create(program=program, kind="clients")
    user = User.objects.create_user("fd", password="x-long-enough-1")
    sign_in(client, user, programs=program, roles=("front_desk",))
    assert client.get("/staff/import/").status_code == 403
    assert client.get(f"/staff/import/{run.pk}/").status_code == 404
    assert client.get(f"/staff/import/{run.pk}/problems.csv").status_code == 404
    other = ProgramFactory(name="Elsewhere")
    admin = User.objects.create_user("elsewhere-admin", password="x-long-enough-1")
    client.logout()
    sign_in(client, admin, programs=other, roles=("org_admin",))
    assert client.get(f"/staff/import/{run.pk}/").status_code == 404
