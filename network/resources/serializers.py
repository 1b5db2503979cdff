"""How the library's resources appear in the REST API (read only).

Serializers only shape what the view already scoped: the rows come from `rules.visible_resources`; what the rows
link to (themes, co-authors, attachments, translations) is read by the view once per response for all rows and
passed in the context as `ResourceRelations` (translations through the same selector, co-authors through
`OrganisationAction.VIEW_ORGANISATION`). Nothing here decides who sees what, and nothing here queries per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.orgs.api import OrganisationSummarySerializer
from network.themes.models import Theme

from .models import Audience, Licence, ResourceKind, ResourcePage


@dataclass
class ResourceRelations:
    """What a page of rows links to, keyed by page id (translations by translation key)."""

    themes: dict[int, list[Theme]] = field(default_factory=dict)
    co_authors: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    attachments: dict[int, list[tuple[str, Any]]] = field(default_factory=dict)  # (title, document)
    translations: dict[Any, list[ResourcePage]] = field(default_factory=dict)


def _http_request(context: dict[str, Any]) -> HttpRequest | None:
    request = context.get("request")
    return getattr(request, "_request", request)


def absolute_page_url(page: Any, context: dict[str, Any]) -> str | None:
    """The page's public address on the host the API was called on (None when the page is not routable)."""
    request = _http_request(context)
    url = page.get_url(request=request)
    if url is None or request is None:
        return url
    return request.build_absolute_uri(url)


def absolute_document_url(document: Any, context: dict[str, Any]) -> str:
    """The document's serve view (which asks the policy again on download), as an absolute address."""
    request = _http_request(context)
    return request.build_absolute_uri(document.url) if request is not None else document.url


def _labels(context: dict[str, Any], choices: type) -> dict[str, str]:
    """Value → label in the response's language, translated once per response rather than once per row."""
    cache = context.setdefault("choice_labels", {})
    if choices not in cache:
        cache[choices] = {value: str(label) for value, label in choices.choices}
    return cache[choices]


class ChoiceLabelField(serializers.Field):
    """The label of a choice field's value (read only), e.g. "Guide" for the kind "guide"."""

    def __init__(self, choices: type, **kwargs: Any) -> None:
        self.choices_class = choices
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return _labels(self.context, self.choices_class).get(value, value)


extend_schema_field({"type": "string"})(ChoiceLabelField)


class ThemeSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    label = serializers.CharField(read_only=True, help_text="The theme's name in the language of the response.")


class ResourceTranslationSerializer(serializers.Serializer):
    language = serializers.CharField(source="locale.language_code", read_only=True, help_text="A locale code.")
    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, page: ResourcePage) -> str | None:
        return absolute_page_url(page, self.context)


class ResourceAttachmentSerializer(serializers.Serializer):
    """The shape of an attachment (rows are built from ResourceRelations)."""

    title = serializers.CharField(read_only=True, help_text="The attachment's title, else the document's.")
    url = serializers.URLField(read_only=True, help_text="The document's download address.")
    size = serializers.IntegerField(read_only=True, allow_null=True, help_text="In bytes, when known.")


class ResourceSerializer(serializers.ModelSerializer):
    """A resource as the caller may see it, with links to the translations the caller may also see."""

    kind_label = ChoiceLabelField(ResourceKind, source="kind")
    themes = serializers.SerializerMethodField()
    audience_label = ChoiceLabelField(Audience, source="audience")
    country = serializers.CharField(read_only=True, help_text="ISO 3166 code; empty when not country-specific.")
    organisation = OrganisationSummarySerializer(read_only=True)
    authoring_organisations = serializers.SerializerMethodField()
    licence_label = ChoiceLabelField(Licence, source="licence")
    language = serializers.CharField(source="locale.language_code", read_only=True, help_text="A locale code.")
    url = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ResourcePage
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "kind_label",
            "themes",
            "audience",
            "audience_label",
            "country",
            "programme_context",
            "organisation",
            "authoring_organisations",
            "licence",
            "licence_label",
            "published_on",
            "last_reviewed_on",
            "visibility",
            "language",
            "url",
            "translations",
            "attachments",
        ]
        read_only_fields = fields

    @property
    def _relations(self) -> ResourceRelations:
        return self.context.get("relations") or ResourceRelations()

    @extend_schema_field(ThemeSerializer(many=True))
    def get_themes(self, page: ResourcePage) -> list[dict[str, str]]:
        return [{"slug": theme.slug, "label": theme.label} for theme in self._relations.themes.get(page.pk, [])]

    @extend_schema_field(OrganisationSummarySerializer(many=True))
    def get_authoring_organisations(self, page: ResourcePage) -> list[dict[str, str]]:
        return self._relations.co_authors.get(page.pk, [])

    @extend_schema_field(ResourceAttachmentSerializer(many=True))
    def get_attachments(self, page: ResourcePage) -> list[dict[str, Any]]:
        return [
            {
                "title": title or document.title,
                "url": absolute_document_url(document, self.context),
                "size": document.file_size,  # the stored figure: never open the file to answer a list
            }
            for title, document in self._relations.attachments.get(page.pk, [])
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "The public page."})
    def get_url(self, page: ResourcePage) -> str | None:
        return absolute_page_url(page, self.context)

    @extend_schema_field(ResourceTranslationSerializer(many=True))
    def get_translations(self, page: ResourcePage) -> list[dict[str, Any]]:
        """Live translations in other locales that the caller may see."""
        return [
            {
                "language": translation.locale.language_code,
                "id": translation.pk,
                "url": absolute_page_url(translation, self.context),
                "title": translation.title,
            }
            for translation in self._relations.translations.get(page.translation_key, [])
            if translation.pk != page.pk
        ]


BODY_BLOCK_SCHEMA = {
    "type": "array",
    "description": "The body, block by block. `value` depends on `type`: heading, quote → text; paragraph → HTML; "
    "key_takeaways → list of texts; lesson_learned → {context, what_happened, lesson}; document → {title, url, "
    "size, caption}; video → {url}.",
    "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "id": {"type": "string"},
            "value": {},
        },
        "required": ["type", "value"],
    },
}


class ResourceDetailSerializer(ResourceSerializer):
    body = serializers.SerializerMethodField()

    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "body"]
        read_only_fields = fields

    @extend_schema_field(BODY_BLOCK_SCHEMA)
    def get_body(self, page: ResourcePage) -> list[dict[str, Any]]:
        return [
            {"type": child.block_type, "id": child.id, "value": self._block_value(child.block_type, child.value)}
            for child in page.body
        ]

    def _block_value(self, block_type: str, value: Any) -> Any:
        if block_type == "paragraph":
            return str(value.__html__())  # internal links expanded to their addresses
        if block_type == "key_takeaways":
            return [str(item) for item in value]
        if block_type == "lesson_learned":
            return {key: str(value.get(key) or "") for key in ("context", "what_happened", "lesson")}
        if block_type == "document":
            document = value.get("document")
            if document is None:
                return None
            return {
                "title": document.title,
                "url": absolute_document_url(document, self.context),
                "size": document.file_size,
                "caption": value.get("caption") or "",
            }
        if block_type == "video":
            return {"url": getattr(value, "url", None)}
        return str(value) if value is not None else None
