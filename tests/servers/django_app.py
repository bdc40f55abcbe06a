"""django-cors-headers with the settings of one row of options.json (CORS_OPTIONS,
JSON: the CORS_* settings), above CommonMiddleware as its README says, in front of
one view that answers every method."""
import json
import os
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

options = json.loads(os.environ.get("CORS_OPTIONS", "{}"))


def items(request):
    response = HttpResponse("ok")
    response["X-Route"] = "hit"
    return response


settings.configure(
    DEBUG=False,
    SECRET_KEY="differential-test",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["corsheaders"],
    MIDDLEWARE=[
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    **options,
)
urlpatterns = [path("items", items)]
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


make_server("127.0.0.1", int(os.environ["PORT"]), get_wsgi_application(), handler_class=Quiet).serve_forever()
