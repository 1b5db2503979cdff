from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def dashboard(request):
    return HttpResponse("TODO dashboard")


@login_required
def edit_profile(request, slug):
    return HttpResponse("TODO")


@login_required
def member_list(request, slug):
    return HttpResponse("TODO")


@login_required
def member_invite(request, slug):
    return HttpResponse("TODO")


@login_required
def member_edit(request, slug, membership_id):
    return HttpResponse("TODO")
