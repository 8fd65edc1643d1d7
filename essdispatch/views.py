from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.selectors import staff_scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own page; staff without a role see why nothing is shown."""
    scope = staff_scope(request.user)
    if scope is None:
        return render(request, "no_role.html", status=403)
    if scope.role == "provincial":
        return redirect("incidents:review")
    return redirect("incidents:dashboard")
