"""Forms of the directory's screens: they parse and check input; `services` validates and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from network.orgs.languages import normalise_language_codes, unknown_language_codes

from . import selectors
from .languages import all_language_codes, language_choices
from .models import Service, ServiceCategory, Weekday
from .services import SERVICE_FIELDS


class ServiceFilterForm(forms.Form):
    """Search the directory by category, language, city and free text. Choices come from what is listed."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    city = forms.ChoiceField(label=gettext_lazy("City"), required=False)

    def __init__(
        self, *args: Any, categories: list[ServiceCategory], languages: list[str], cities: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", gettext_lazy("All"))]
        self.fields["category"].choices = every + [(category.code, category.label) for category in categories]
        self.fields["language"].choices = every + language_choices(languages)
        self.fields["city"].choices = every + [(city, city) for city in cities]

    def filter(self, services: QuerySet[Service]) -> QuerySet[Service]:
        """Apply the valid filters; an invalid value (a stale link) is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        if text := (data.get("q") or "").strip():
            services = selectors.search_services(services, text)
        if data.get("category"):
            services = services.filter(category__code=data["category"])
        if data.get("language"):
            services = services.filter(selectors.speaks_language(data["language"]))
        if data.get("city"):
            services = services.filter(Q(city=data["city"]) | Q(city="", organisation__city=data["city"]))
        return services


class LanguagePicker(forms.CheckboxSelectMultiple):
    """Check boxes: the languages most spoken in the network shown, the others folded away (no script needed)."""

    template_name = "directory/widgets/language_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        groups = context["widget"]["optgroups"]
        context["widget"]["others_chosen"] = any(
            option["selected"] for _group, options, _index in groups[1:] for option in options
        )
        return context


class LanguagesField(forms.MultipleChoiceField):
    """Languages ticked in the picker (or typed as "fr, en, ro" by a client without the boxes), checked against the
    languages Django knows. The choices are every named language, the common ones first, plus the codes already
    declared (a base code such as "zh" stays ticked)."""

    widget = LanguagePicker
    default_error_messages = {
        "unknown": gettext_lazy("Unknown language code: %(codes)s. Use codes such as fr, en, ro."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.offer([])

    def offer(self, declared: list[str]) -> None:
        self.choices = language_choices(all_language_codes() + [code for code in declared if code])

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        items = value if isinstance(value, list | tuple) else [value]
        typed = ",".join(str(item) for item in items).replace(";", ",").replace(" ", ",")
        return normalise_language_codes(typed.split(","))

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        unknown = unknown_language_codes(value)
        if unknown:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"codes": ", ".join(unknown)})


class ServiceForm(forms.ModelForm):
    """A service as its organisation's coordinators declare it. The form parses; `directory` validates and saves."""

    languages = LanguagesField(label=gettext_lazy("Languages spoken"))
    interpreter_languages = LanguagesField(
        label=gettext_lazy("Languages interpreted"),
        help_text=gettext_lazy("Leave empty if the interpreter can be found for any language."),
    )
    url = forms.URLField(label=gettext_lazy("Web page"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Service
        # Languages are declared above, outside Meta.fields, so the form never writes them onto the instance.
        fields = [name for name in SERVICE_FIELDS if name not in ("languages", "interpreter_languages", "url")]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.service_categories()
        self.fields["category"].empty_label = None
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        for name in ("languages", "interpreter_languages"):
            declared = list(getattr(self.instance, name) or ())
            self.fields[name].offer(declared)
            if self.instance.pk and not self.is_bound:
                self.initial[name] = declared

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SERVICE_FIELDS}

    def _post_clean(self) -> None:
        # The service validates the model (with its opening hours, in one go); the form only parses.
        pass


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=gettext_lazy("Day"), choices=Weekday.choices, coerce=int)
    opens_at = forms.TimeField(label=gettext_lazy("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=gettext_lazy("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}))
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=160, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            raise ValidationError(_("The closing time must be after the opening time."), code="closes_before_opens")
        return data


OpeningHoursFormSet = forms.formset_factory(OpeningHoursForm, extra=2, can_delete=True, max_num=21, validate_max=True)


def opening_hours_slots(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled-in, not deleted rows of a valid formset, as the directory service takes them."""
    return [
        {name: form.cleaned_data[name] for name in ("weekday", "opens_at", "closes_at", "notes")}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def opening_hours_initial(service: Service) -> list[dict[str, Any]]:
    return [
        {"weekday": slot.weekday, "opens_at": slot.opens_at, "closes_at": slot.closes_at, "notes": slot.notes}
        for slot in service.opening_hours.all()
    ]


class ServiceCategoryAdminForm(WagtailAdminModelForm):
    """The Wagtail admin's category form: one name field per interface language, kept in `name_translations`.

    Network administrators write each name themselves (no machine translation: these words are read by the people
    the services are for). A language left empty falls back to `name`, the site's default language.
    """

    class Meta:
        model = ServiceCategory
        fields = ["name", "code", "description", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translations = self.instance.name_translations or {}
        for code, language in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            self.fields[self.translation_field(code)] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": language},
                required=False,
                max_length=120,
                initial=translations.get(code, ""),
            )

    @staticmethod
    def translation_field(code: str) -> str:
        return "name_" + code.replace("-", "_")

    def save(self, commit: bool = True) -> ServiceCategory:
        translations = dict(self.instance.name_translations or {})
        translations[settings.LANGUAGE_CODE] = self.cleaned_data["name"]
        for code, _language in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            name = self.cleaned_data.get(self.translation_field(code), "").strip()
            if name:
                translations[code] = name
            else:
                translations.pop(code, None)
        self.instance.name_translations = translations
        return super().save(commit=commit)
