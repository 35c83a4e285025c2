"""The staff screens for API keys and webhooks, for whoever may change a
program's settings there (``manage_settings``: an organization admin)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from welcomeback.accounts import permissions
from welcomeback.api.forms import KeyForm, WebhookForm
from welcomeback.api.keys import create_key, revoke_key
from welcomeback.api.models import ApiKey, WebhookSubscription
from welcomeback.api.subscriptions import create_subscription, deactivate

ACTION = "manage_settings"
RECENT_DELIVERIES = 50


def allowed_programs(request):
    programs = permissions.programs_for(request.user, ACTION)
    if not programs.exists():
        raise PermissionDenied
    return programs


def owned(request, model, pk):
    """A row of a program where the user may manage settings, else 404."""
    ids = permissions.program_ids_for(request.user, ACTION)
    if not ids:
        raise PermissionDenied
    found = model.objects.filter(pk=pk, program_id__in=ids).first()
    if found is None:
        permissions.refuse(request, model._meta.label_lower, pk, ACTION)
    return found


@login_required
def keys(request):
    programs = allowed_programs(request)
    form = KeyForm(request.POST or None, programs=programs)
    token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key, token = create_key(
            data["program"], data["name"], data["scope"], by=request.user, request=request
        )
        form = KeyForm(programs=programs)
    listed = ApiKey.objects.filter(program__in=programs).select_related("program")
    return render(
        request,
        "api/keys.html",
        {"form": form, "keys": listed, "token": token},
        status=201 if token else (400 if request.method == "POST" else 200),
    )


@login_required
@require_POST
def revoke(request, pk):
    key = owned(request, ApiKey, pk)
    revoke_key(key, by=request.user, request=request)
    return redirect("api_admin:keys")


@login_required
def webhooks(request):
    programs = allowed_programs(request)
    form = WebhookForm(request.POST or None, programs=programs)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sub, secret = create_subscription(
                data["program"], data["url"], data["events"], by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("url" if error.code == "https" else "events", error)
        else:
            form = WebhookForm(programs=programs)
    listed = WebhookSubscription.objects.filter(program__in=programs).select_related("program")
    status = 201 if secret else (400 if request.method == "POST" else 200)
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "subscriptions": listed, "secret": secret},
        status=status,
    )


@login_required
def webhook(request, pk):
    sub = owned(request, WebhookSubscription, pk)
    deliveries = sub.deliveries.order_by("-created")[:RECENT_DELIVERIES]
    return render(request, "api/webhook.html", {"sub": sub, "deliveries": deliveries})


@login_required
@require_POST
def webhook_off(request, pk):
    sub = owned(request, WebhookSubscription, pk)
    deactivate(sub, by=request.user, request=request)
    return redirect("api_admin:webhook", pk=sub.pk)
