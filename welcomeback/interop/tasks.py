"""Running an uploaded import in the background (Django Tasks).

The task is only a trigger: the ImportRun row carries the state. It is
claimed with a conditional UPDATE (queued → running), so a second delivery
of the same task does nothing; progress is written to the row after each
chunk and the upload screen polls it.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from welcomeback.interop import presets
from welcomeback.interop.importer import Report, import_file
from welcomeback.interop.models import ImportProblem, ImportRun, ImportState
from welcomeback.interop.reader import FileRefused

log = logging.getLogger(__name__)


def upload_dir() -> Path:
    """Where uploads wait for their task: shared by web and worker processes."""
    return Path(getattr(settings, "IMPORT_UPLOAD_DIR", settings.BASE_DIR / "var" / "imports"))


@task()
def run_import_task(run_id: int) -> str:
    return run_import(run_id)


def run_import(run_id: int) -> str:
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started=timezone.now()
    )
    if not claimed:
        return "not queued"
    run = ImportRun.objects.select_related("program__site", "created_by").get(pk=run_id)
    path = upload_dir() / run.stored_path

    def progress(report: Report, done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run_id).update(
            bytes_read=done,
            bytes_total=total,
            rows_read=report.rows,
            created_count=report.created,
            updated_count=report.updated,
            unchanged_count=report.unchanged + report.skipped,
            error_count=report.errors,
        )

    try:
        report = import_file(
            path,
            program=run.program,
            kind=run.kind,
            preset=presets.load(run.preset),
            encoding=run.encoding,
            date_format=run.date_format,
            by=run.created_by,
            on_progress=progress,
        )
    except (FileRefused, presets.PresetError) as refused:
        finish(run_id, ImportState.FAILED, message=str(refused))
        return "refused"
    except Exception:
        # Ids only in the log: the file may hold names.
        log.exception("interop: import %s stopped", run_id)
        finish(run_id, ImportState.FAILED, message="")
        return "failed"
    finally:
        path.unlink(missing_ok=True)  # the upload holds client data: keep it no longer
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(run_id=run_id, line=p.line, column=p.column[:100], reason=p.reason[:400])
            for p in report.problems
        ],
        batch_size=1000,
    )
    progress(report, run.bytes_total or 0, run.bytes_total or 0)
    finish(run_id, ImportState.DONE, encoding_used=report.encoding)
    return "done"


def finish(run_id: int, state: str, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(state=state, finished=timezone.now(), **fields)
