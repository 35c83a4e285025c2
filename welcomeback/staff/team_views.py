"""The team: who holds which role in a program, for whoever may manage staff
there (an organization admin). Granting and removing go through
accounts.roles, which records each in the audit trail. Accounts themselves
are made on the admin site; a person signs in and sets up their second
factor before any role shows them anything."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from welcomeback.accounts import roles
from welcomeback.accounts.models import Role, StaffRole
from welcomeback.care.models import Program
from welcomeback.staff import access
from welcomeback.staff.views import chosen_program

ACTION = "manage_staff"


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    program = forms.ModelChoiceField(label=_("Program"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(pk__in=[p.pk for p in programs])

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account has that username. Accounts are made on the admin site.")
            )
        return user


@login_required
def team(request):
    programs = list(access.programs_for_staff(request, ACTION))
    program = chosen_program(request, programs) or programs[0]
    form = GrantForm(request.POST or None, programs=programs, initial={"program": program})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        roles.grant(
            data["username"], data["program"], data["role"], by=request.user, request=request
        )
        return redirect(f"{request.path}?program={data['program'].pk}")
    held = (
        StaffRole.objects.filter(program=program)
        .select_related("user", "granted_by")
        .order_by("user__username", "role")
    )
    return render(
        request,
        "staff/team.html",
        {"programs": programs, "program": program, "held": held, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def team_remove(request, pk):
    staff_role = access.get_staff_role_for_staff(request, pk, ACTION)
    # Nobody locks themselves out of the page they are on; another admin can.
    if not (staff_role.user_id == request.user.pk and staff_role.role == Role.ORG_ADMIN):
        roles.revoke(
            staff_role.user, staff_role.program, staff_role.role, by=request.user, request=request
        )
    return redirect(reverse("staff:team") + f"?program={staff_role.program_id}")
