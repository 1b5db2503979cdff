"""Our LibreTranslate backend against a stand-in LibreTranslate on 127.0.0.1 (no network): what we send, and how we
react to answers, refusals, slowness and a service that is down."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation
from wagtail_localize.strings import StringValue

from network.orgs.models import Role
from network.translation import services
from network.translation.config import LIBRETRANSLATE_CLASS
from network.translation.machine_translators import LibreTranslator, MachineTranslationError
from tests import factories
from tests.resources import factories as rf


class StubLibreTranslate:
    """Records each POST /translate body and answers as told (status, JSON body, delay)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.body: object = None  # None: translate each string as "[<target>] <text>"
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"path": self.path, **payload})
                time.sleep(stub.delay)
                body = stub.body
                if body is None:
                    body = {"translatedText": [f"[{payload['target']}] {text}" for text in payload["q"]]}
                data = json.dumps(body).encode()
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def translator(self, **options) -> LibreTranslator:
        return LibreTranslator({"LIBRETRANSLATE_URL": self.url, "API_KEY": "", "TIMEOUT": (3, 5), **options})


@pytest.fixture
def libretranslate():
    stub = StubLibreTranslate()
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


def _locales(source: str, target: str) -> tuple[Locale, Locale]:
    return Locale(language_code=source), Locale(language_code=target)


def test_all_strings_go_in_one_request_and_come_back_in_order(libretranslate):
    strings = [StringValue("Bonjour"), StringValue("Texte <b>gras</b>")]

    result = libretranslate.translator().translate(*_locales("fr", "zh-hans"), strings)

    assert [result[string].data for string in strings] == ["[zh] Bonjour", "[zh] Texte <b>gras</b>"]
    [sent] = libretranslate.requests
    assert sent == {
        "path": "/translate",
        "q": ["Bonjour", "Texte <b>gras</b>"],
        "source": "fr",
        "target": "zh",
        "format": "html",
    }


def test_the_api_key_is_sent_only_when_configured(libretranslate):
    libretranslate.translator(API_KEY="secret").translate(*_locales("fr", "ar"), [StringValue("Oui")])
    libretranslate.translator().translate(*_locales("fr", "ar"), [StringValue("Oui")])

    assert libretranslate.requests[0]["api_key"] == "secret"
    assert "api_key" not in libretranslate.requests[1]


def test_same_language_is_not_offered_for_machine_translation():
    translator = LibreTranslator({"LIBRETRANSLATE_URL": "http://127.0.0.1:9", "API_KEY": ""})
    assert not translator.can_translate(*_locales("en", "en"))
    assert translator.can_translate(*_locales("fr", "ru"))


def test_a_refusal_tells_the_editor_the_status_and_libretranslate_s_reason(libretranslate, in_english):
    libretranslate.status, libretranslate.body = 403, {"error": "Invalid API key"}

    with pytest.raises(MachineTranslationError) as error:
        libretranslate.translator().translate(*_locales("fr", "es"), [StringValue("Oui")])

    assert str(error.value) == "The machine translation service refused the request (HTTP 403: Invalid API key)."


def test_a_server_error_without_json_is_still_a_clear_refusal(libretranslate, in_english):
    libretranslate.status, libretranslate.body = 500, "oops"

    with pytest.raises(MachineTranslationError, match=r"HTTP 500"):
        libretranslate.translator().translate(*_locales("fr", "es"), [StringValue("Oui")])


@pytest.mark.parametrize(
    "body", [{"translatedText": "Sí"}, {"translatedText": ["Sí", "No"]}, {"detectedLanguage": "fr"}, [1, 2]]
)
def test_an_answer_that_is_not_one_translation_per_string_is_refused(libretranslate, body, in_english):
    libretranslate.body = body

    with pytest.raises(MachineTranslationError, match="not a translation"):
        libretranslate.translator().translate(*_locales("fr", "es"), [StringValue("Oui")])


def test_a_slow_service_is_abandoned_after_the_read_timeout(libretranslate, in_english):
    libretranslate.delay = 1.0
    started = time.monotonic()

    with pytest.raises(MachineTranslationError, match="did not answer within"):
        libretranslate.translator(TIMEOUT=(3, 0.2)).translate(*_locales("fr", "es"), [StringValue("Oui")])

    assert time.monotonic() - started < 1.0


def test_a_service_that_is_down_is_reported_as_unreachable(in_english):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    translator = LibreTranslator({"LIBRETRANSLATE_URL": f"http://127.0.0.1:{free_port}", "API_KEY": ""})

    with pytest.raises(MachineTranslationError, match="could not be reached"):
        translator.translate(*_locales("fr", "es"), [StringValue("Oui")])


def test_default_timeouts_are_three_seconds_to_connect_and_thirty_to_answer():
    assert LibreTranslator({"LIBRETRANSLATE_URL": "http://t"}).get_timeout() == (3.0, 30.0)
    assert LibreTranslator({"LIBRETRANSLATE_URL": "http://t", "TIMEOUT": 10}).get_timeout() == (10.0, 10.0)


@pytest.mark.django_db
def test_translate_button_fills_the_strings_through_libretranslate(libretranslate, settings, signed_in, client):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": LIBRETRANSLATE_CLASS,
        "OPTIONS": {"LIBRETRANSLATE_URL": libretranslate.url, "API_KEY": "", "TIMEOUT": (3, 5)},
    }
    org = factories.organisation()
    page = rf.make_resource(org, title="Fiche pratique", summary="Un résumé.")
    [translation] = services.translation_submit(instance=page, locales=["es"])
    signed_in(factories.member(org, Role.STAFF))

    response = client.post(reverse("wagtail_localize:machine_translate", args=[translation.pk]), {"next": "/admin/"})

    assert response.status_code == 302
    assert set(StringTranslation.objects.filter(locale__language_code="es").values_list("data", "tool_name")) >= {
        ("[es] Fiche pratique", "LibreTranslate"),
        ("[es] Un résumé.", "LibreTranslate"),
    }


@pytest.mark.django_db
def test_a_failing_service_gives_the_editor_a_message_and_writes_nothing(
    libretranslate, settings, signed_in, client, in_english
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": LIBRETRANSLATE_CLASS,
        "OPTIONS": {"LIBRETRANSLATE_URL": libretranslate.url, "API_KEY": "", "TIMEOUT": (3, 5)},
    }
    libretranslate.status, libretranslate.body = 400, {"error": "es is not supported"}
    org = factories.organisation()
    page = rf.make_resource(org, title="Fiche pratique")
    [translation] = services.translation_submit(instance=page, locales=["es"])
    target = page.get_translation(translation.target_locale)
    edit_url = reverse("wagtailadmin_pages:edit", args=[target.pk])
    signed_in(factories.member(org, Role.STAFF))

    response = client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]),
        {"next": edit_url},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert response.url == edit_url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The machine translation service refused the request (HTTP 400: es is not supported)."
    ]
    assert not StringTranslation.objects.filter(locale__language_code="es").exists()
