"""Machine pre-translation through a self-hosted LibreTranslate, for wagtail-localize's translation editor.

wagtail-localize 1.14 ships a LibreTranslate translator; ours keeps its name and language logic and adds what a
deployment needs: separate connect and read timeouts (a dead service answers in seconds, a long page still gets
its 30 s), an optional API key (a self-hosted instance has none), a check of the answer's shape, and one exception
with a message an editor can read instead of a stack trace. Texts are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import requests
from django.utils.translation import gettext as _
from wagtail.models import Locale
from wagtail_localize.machine_translators.libretranslate import LibreTranslator as WagtailLibreTranslator
from wagtail_localize.strings import StringValue

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.0, 30.0)
# Our locale codes that LibreTranslate spells differently; anything else is cut at the first "-".
DEFAULT_LANGUAGE_CODES = {"zh-hans": "zh"}


class MachineTranslationError(Exception):
    """The machine translation service could not translate. The message is safe to show to an editor."""


class LibreTranslator(WagtailLibreTranslator):
    """LibreTranslate's POST /translate with all strings of a translation in one request."""

    display_name = "LibreTranslate"

    def get_timeout(self) -> tuple[float, float]:
        timeout = self.options.get("TIMEOUT", DEFAULT_TIMEOUT)
        if isinstance(timeout, int | float):
            return (float(timeout), float(timeout))
        connect, read = timeout
        return (float(connect), float(read))

    def language_code(self, code: str) -> str:
        codes = {**DEFAULT_LANGUAGE_CODES, **self.options.get("LANGUAGE_CODES", {})}
        code = code.lower()
        return codes.get(code, code.split("-")[0])

    def translate(
        self, source_locale: Locale, target_locale: Locale, strings: Iterable[StringValue]
    ) -> dict[StringValue, StringValue]:
        strings = list(strings)
        if not strings:
            return {}
        payload: dict[str, Any] = {
            "q": [string.data for string in strings],
            "source": self.language_code(source_locale.language_code),
            "target": self.language_code(target_locale.language_code),
            "format": "html",
        }
        if self.options.get("API_KEY"):
            payload["api_key"] = self.options["API_KEY"]
        connect_timeout, read_timeout = self.get_timeout()
        try:
            response = requests.post(
                self.get_api_endpoint().rstrip("/") + "/translate",
                json=payload,
                headers={"Accept": "application/json"},
                timeout=(connect_timeout, read_timeout),
            )
        except requests.ConnectTimeout as error:
            logger.warning("LibreTranslate: no connection within %s s", connect_timeout)
            raise MachineTranslationError(
                _("The machine translation service could not be reached. Try again later or translate by hand.")
            ) from error
        except requests.ReadTimeout as error:
            logger.warning("LibreTranslate: no answer within %s s for %d strings", read_timeout, len(strings))
            raise MachineTranslationError(
                _("The machine translation service did not answer within %(seconds)d seconds. Try again later.")
                % {"seconds": read_timeout}
            ) from error
        except requests.RequestException as error:
            logger.warning("LibreTranslate: request failed (%s)", type(error).__name__)
            raise MachineTranslationError(
                _("The machine translation service could not be reached. Try again later or translate by hand.")
            ) from error

        if response.status_code != 200:
            detail = _error_detail(response)
            logger.warning("LibreTranslate: HTTP %s %s", response.status_code, detail)
            raise MachineTranslationError(
                _("The machine translation service refused the request (HTTP %(status)s: %(detail)s).")
                % {"status": response.status_code, "detail": detail or _("no reason given")}
            )
        translated = _translated_texts(response)
        if translated is None or len(translated) != len(strings):
            logger.warning("LibreTranslate: unexpected answer for %d strings", len(strings))
            raise MachineTranslationError(
                _("The machine translation service gave an answer that is not a translation.")
            )
        return {string: StringValue(text) for string, text in zip(strings, translated, strict=True)}


def _error_detail(response: requests.Response) -> str:
    """LibreTranslate explains refusals in {"error": "..."} (bad key, unsupported language, rate limit)."""
    try:
        detail = response.json().get("error", "")
    except (ValueError, AttributeError):
        detail = ""
    return str(detail)[:200]


def _translated_texts(response: requests.Response) -> list[str] | None:
    try:
        translated = response.json()["translatedText"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(translated, list) or not all(isinstance(text, str) for text in translated):
        return None
    return translated
