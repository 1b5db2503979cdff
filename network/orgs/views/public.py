from django.http import HttpResponse


def directory(request):
    return HttpResponse("TODO directory")


def detail(request, slug):
    return HttpResponse("TODO detail")
