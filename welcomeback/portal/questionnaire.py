"""The person's own questionnaires, from a link staff send them before the
re-assessment: /a-few-questions/<token>/ (docs/returns.md, "Pages").

Discreet: the address and the page title say nothing about care; the token
is the request's signed, expiring token (``assessments.questionnaire_token``).
Every question is optional and each part can be skipped whole; each part
saved is stored as filled in by the person (source "self") through
``assessments.record_assessment``, which opens a clinician task for a flag.

The safety screen (C-SSRS) is not on this page: it is asked in a
conversation, so that someone is with them if the answer is yes.
"""

import logging

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from welcomeback.portal.pages import page, public
from welcomeback.returns.assessments import read_questionnaire_token, record_assessment
from welcomeback.returns.instruments.forms import InstrumentForm
from welcomeback.returns.models import Assessment, AssessmentSource

log = logging.getLogger(__name__)

# The parts, in order: mood, worry, alcohol, other drugs.
PARTS = ("phq9", "gad7", "auditc", "dast10")
DONE = "done"


def their_language(request, return_request):
    chosen = request.COOKIES.get("django_language")
    return translation.override(chosen or return_request.language or None)


@public
@require_http_methods(["GET", "POST"])
def questionnaire(request, token):
    try:
        return_request = read_questionnaire_token(token)
    except ValidationError:
        return page(request, "portal/link_broken.html", {"expired": True}, status=400)
    with their_language(request, return_request):
        part = request.GET.get("part", "1")
        if part == DONE:
            return done(request, return_request)
        number = int(part) if part.isdigit() and 1 <= int(part) <= len(PARTS) else 1
        code = PARTS[number - 1]
        form = InstrumentForm(code, data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and (request.POST.get("skip") or form.is_valid()):
            if not request.POST.get("skip"):
                save(return_request, code, form.answers())
            following = str(number + 1) if number < len(PARTS) else DONE
            return redirect(reverse("portal:questionnaire", args=[token]) + f"?part={following}")
        context = {"form": form, "number": number, "count": len(PARTS), "token": token}
        return page(
            request,
            "portal/questionnaire.html",
            context,
            status=400 if form.errors else 200,
            program=return_request.program,
        )


def save(return_request, code, answers) -> None:
    """Nothing is stored for a part left entirely blank."""
    if all(value is None for value in answers.values()):
        return
    saved = record_assessment(
        code=code, answers=answers, request=return_request, source=AssessmentSource.SELF
    )
    log.info("portal: request %s questionnaire %s saved", return_request.pk, saved.pk)


def done(request, return_request):
    flagged = Assessment.objects.filter(
        request=return_request, source=AssessmentSource.SELF, flagged=True
    ).exists()
    return page(
        request,
        "portal/questionnaire_done.html",
        {"flagged": flagged},
        program=return_request.program,
    )
