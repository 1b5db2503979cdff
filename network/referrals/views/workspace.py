from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def inbox(request):
    return HttpResponse("TODO")


@login_required
def sent(request):
    return HttpResponse("TODO")


@login_required
def new(request):
    return HttpResponse("TODO")


@login_required
def detail(request, pk):
    return HttpResponse("TODO")


@login_required
def transition(request, pk, action):
    return HttpResponse("TODO")


@login_required
def message_post(request, pk):
    return HttpResponse("TODO")


@login_required
def access_log(request, pk):
    return HttpResponse("TODO")
