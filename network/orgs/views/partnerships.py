from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def partnership_list(request):
    return HttpResponse("TODO")


@login_required
def partnership_propose(request):
    return HttpResponse("TODO")


@login_required
def partnership_detail(request, pk):
    return HttpResponse("TODO")


@login_required
def partnership_transition(request, pk, transition):
    return HttpResponse("TODO")
