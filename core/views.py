from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from cadres import selectors as cadre_selectors
from core.roles import Role, has_role


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """Role-aware start page: each role sees what it comes for."""
    user = request.user
    context: dict = {}
    if has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER):
        context["overview"] = cadre_selectors.overview(user=user)
    if has_role(user, Role.MENTOR):
        context["mentees"] = cadre_selectors.cadre_list(user=user).filter(pk__in=_mentee_ids(user))
    if has_role(user, Role.CADRE):
        context["own_cadre"] = cadre_selectors.cadres_visible_to(user).filter(user=user).first()
    return render(request, "core/home.html", context)


def _mentee_ids(user):
    from mentoring.selectors import mentee_ids_of_user

    return mentee_ids_of_user(user)


@never_cache
def healthz(request):
    """Liveness for load balancers and docker-compose: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
