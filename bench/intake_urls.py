from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from welcomeback.urls import urlpatterns as site


@csrf_exempt
def bare(request):
    """The baseline: Django's whole stack, no work of ours."""
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *site]
