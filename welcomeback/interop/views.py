"""The upload screen: send a CSV export, watch it import, get the problems.

For people who may import data in a program (``import_data``: the
organization's admins). The file is imported by a task; the page polls the
ImportRun row every second with htmx until it is over.
"""

import csv
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from welcomeback.accounts import audit
from welcomeback.accounts.permissions import can, programs_for, refuse
from welcomeback.interop.forms import UploadForm
from welcomeback.interop.importer import ERROR_HEADER
from welcomeback.interop.models import ImportRun
from welcomeback.interop.tasks import run_import_task, upload_dir

PROBLEMS_SHOWN = 100


def importable_programs(request):
    programs = programs_for(request.user, "import_data")
    if not programs.exists():
        raise PermissionDenied
    return programs


def get_run(request, pk: int) -> ImportRun:
    run = get_object_or_404(ImportRun.objects.select_related("program"), pk=pk)
    if not can(request.user, "import_data", run.program_id):
        refuse(request, "interop.importrun", pk, "import_data")  # an audited 404
    return run


@login_required
def upload(request):
    programs = importable_programs(request)
    form = UploadForm(request.POST or None, request.FILES or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        run = start(request, form)
        return redirect("interop:run", pk=run.pk)
    runs = ImportRun.objects.filter(program__in=programs).select_related("program")[:20]
    return render(request, "interop/upload.html", {"form": form, "runs": runs})


def start(request, form: UploadForm) -> ImportRun:
    upload_file = form.cleaned_data["file"]
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.csv"  # never the person-chosen name on disk
    with open(folder / stored, "wb") as out:
        for piece in upload_file.chunks():
            out.write(piece)
    run = ImportRun.objects.create(
        program=form.cleaned_data["program"],
        kind=form.cleaned_data["kind"],
        preset=form.cleaned_data["preset"],
        encoding=form.cleaned_data["encoding"],
        date_format=form.cleaned_data["date_format"],
        original_name=upload_file.name[:200],
        stored_path=stored,
        bytes_total=upload_file.size,
        created_by=request.user,
    )
    audit.record(
        "create",
        request=request,
        obj=run,
        program_id=run.program_id,
        detail={"kind": run.kind, "bytes": run.bytes_total, "preset": run.preset},
    )
    run_import_task.enqueue(run.pk)
    return run


@login_required
def run_page(request, pk: int):
    run = get_run(request, pk)
    template = "interop/_progress.html" if request.htmx else "interop/run.html"
    problems = run.problems.all()[:PROBLEMS_SHOWN] if run.is_over else []
    return render(request, template, {"run": run, "problems": problems, "shown": PROBLEMS_SHOWN})


@login_required
def errors_csv(request, pk: int):
    run = get_run(request, pk)
    audit.record("download", request=request, obj=run, program_id=run.program_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    writer = csv.writer(response)
    writer.writerow(ERROR_HEADER)
    for problem in run.problems.iterator():
        writer.writerow([problem.line, problem.column, problem.reason])
    return response
