"""A service's ValidationError, turned into what the caller shows: form errors one way, an API error body the other.

Services validate and raise `django.core.exceptions.ValidationError`, with messages per field (`{"logo": [...]}`)
or without a field. Screens show them on the form; the API answers 400 (or 409) with the same messages. Neither
ever echoes the value that was sent: only the services' own messages travel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse

# ---------------------------------------------------------------------------------------------------------------
# Forms


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has it, above otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceErrorsMixin:
    """For Wagtail's generic create and edit views whose `save_instance` calls a service.

    A service's ValidationError is shown on the form, and nothing is saved (the transaction rolls back); so is a
    refusal listed in `refusals` (e.g. the access policy's AccessDenied), above the form.
    """

    refusals: tuple[type[Exception], ...] = ()

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        try:
            return super().form_valid(form)  # type: ignore[misc]
        except ValidationError as error:
            add_service_errors(form, error)
        except Exception as error:
            if not isinstance(error, self.refusals):
                raise
            form.add_error(None, str(error))
        self.produced_error_message = self.get_error_message()  # type: ignore[attr-defined]
        return self.form_invalid(form)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------------------
# The API


def service_error_text(error: ValidationError) -> str:
    """Every message of the error in one sentence (for a `detail` body)."""
    return " ".join(str(message) for message in error.messages)


def service_error_body(
    error: ValidationError, *, place: Callable[[str], tuple[str, ...]] | None = None
) -> dict[str, Any]:
    """The error body of a 400: one list of messages per field, `non_field_errors` for messages about the whole,
    or `detail` when the service named no field.

    `place(field)` gives where a service's field sits in the request body, as a path of keys (by default the field
    itself): a field of a nested object is reported under that object.
    """
    if not hasattr(error, "error_dict"):
        return {"detail": service_error_text(error)}
    body: dict[str, Any] = {}
    for field, messages in error.message_dict.items():
        texts = [str(message) for message in messages]
        if field == "__all__":
            body["non_field_errors"] = texts
            continue
        *parents, name = place(field) if place else (field,)
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = texts
    return body
