"""Shared advocacy: key messages co-signed by organisations, advocacy pages, the calendar of opportunities.

Key messages are network-wide, translated like pages (wagtail-localize) and versioned (Wagtail revisions).
An endorsement is an organisation's signature on a message (on all its translations at once: it points at the
message's translation key). Who may sign, edit, propose or adopt is decided by the access policy.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, RevisionMixin, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.models import OrganisationOwnedPage
from network.core.stream import CheckedStreamField


class MessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    # Translators: a key message withdrawn from use (no longer to be quoted), not a person.
    RETIRED = "retired", _("Retired")


# Messages an organisation may sign (or keep signing).
ENDORSABLE_STATUSES = (MessageStatus.PROPOSED, MessageStatus.ADOPTED)


class KeyMessage(TranslatableMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """A short shared statement with its argument, linked across themes and to supporting evidence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    statement = models.CharField(_("statement"), max_length=300)
    argument = RichTextField(_("argument"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    themes = ParentalManyToManyField("themes.Theme", blank=True, related_name="key_messages", verbose_name=_("themes"))
    evidence = ParentalManyToManyField(
        "resources.ResourcePage",
        blank=True,
        related_name="supported_messages",
        verbose_name=_("supporting evidence"),
        help_text=_("Library resources that support this message."),
    )
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.DRAFT)
    drafting_organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="drafted_messages",
        verbose_name=_("drafting organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    adopted_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("statement"),
        FieldPanel("argument"),
        FieldPanel("themes"),
        FieldPanel("evidence"),
    ]
    search_fields = [
        index.SearchField("statement"),
        index.SearchField("argument"),
        index.FilterField("status"),
        index.FilterField("locale"),
        index.FilterField("id"),  # the admin chooser's search keeps to the messages the policy lists, by id
    ]

    # The primary key is ours (a UUID), not an auto field: a translation's copy must get its own.
    default_exclude_fields_in_copy = [*RevisionMixin.default_exclude_fields_in_copy, "id"]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("key message")
        verbose_name_plural = _("key messages")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.statement

    @property
    def reference(self) -> str:
        """A short reference for notifications and emails (the same for every translation; no text of the message)."""
        return f"KM-{self.translation_key.hex[:8].upper()}"

    def get_absolute_url(self) -> str:
        return reverse("advocacy:message_detail", kwargs={"pk": self.pk})

    def shared_source(self) -> KeyMessage:
        """The translation that carries themes and evidence (wagtail-localize does not synchronise many-to-many
        fields to translations): this one when it has any, else the message in the site's default language."""
        if self.themes.exists() or self.evidence.exists():
            return self
        in_default_language = KeyMessage.objects.filter(
            translation_key=self.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        return in_default_language.exclude(pk=self.pk).first() or self


class Endorsement(models.Model):
    """An organisation's signature on a key message (all translations), until it is withdrawn."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_key = models.UUIDField(_("message"), db_index=True, help_text="The key message's translation key.")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="endorsements")
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    endorsed_at = models.DateTimeField(auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["endorsed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_key", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="endorsement_one_active_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.message_key}"


class SignatureKind(models.TextChoices):
    PSEUDONYM = "pseudonym", _("A pseudonym")
    COLLECTIVE = "collective", _("The organisation's name")
    REAL_NAME = "real_name", _("My public name")


class PageVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members only")


class AdvocacyPageKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    # Translators: an advocacy page kind: a thematic file gathering documents on one subject.
    DOSSIER = "dossier", _("Dossier")


class TestimonyBlock(blocks.StructBlock):
    # Translators: an advocacy page kind: a first-hand account of lived experience.
    text = blocks.TextBlock(label=_("Testimony"))
    signed_as = blocks.CharBlock(
        required=False,
        max_length=80,
        label=_("Signed as"),
        help_text=_("A pseudonym or a collective's name. Never a real name unless its owner chose it."),
    )

    class Meta:
        icon = "openquote"
        label = _("Testimony")
        template = "advocacy/blocks/testimony.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    link_url = blocks.URLBlock(required=False, label=_("Link"))
    link_label = blocks.CharBlock(required=False, label=_("Link text"))

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "advocacy/blocks/call_to_action.html"


class KeyMessageChooserBlock(SnippetChooserBlock):
    """Wagtail's snippet chooser block, able to load snippets with a UUID primary key.

    ChooserBlock.bulk_to_python looks the stored ids (strings) up in `in_bulk`'s result, keyed by UUID objects, so
    every key message would load as None (wagtail issues #6509, #10856). The ids are converted first. The stored
    data is the same as SnippetChooserBlock's, so migrations keep naming that class.
    """

    def bulk_to_python(self, values: list[Any]) -> list[Any]:
        to_python = self.model_class._meta.pk.to_python
        return super().bulk_to_python([None if value is None else to_python(value) for value in values])

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        _path, args, kwargs = super().deconstruct()
        return "wagtail.snippets.blocks.SnippetChooserBlock", args, kwargs


class AdvocacyBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph"))
    key_message = KeyMessageChooserBlock(
        "advocacy.KeyMessage", label=_("Key message"), template="advocacy/blocks/key_message.html"
    )
    testimony = TestimonyBlock()
    call_to_action = CallToActionBlock()
    resource = blocks.PageChooserBlock(
        page_type="resources.ResourcePage", label=_("Resource"), template="advocacy/blocks/resource.html"
    )
    image = ImageChooserBlock(label=_("Image"), template="advocacy/blocks/image.html")
    quote = blocks.BlockQuoteBlock(label=_("Quote"))


def key_message_link(message: KeyMessage) -> str:
    """The address of a key message's page in the current language (/<lang>/advocacy/messages/<id>/)."""
    try:
        return message.get_absolute_url()
    except NoReverseMatch:  # the messages' pages are not routed (yet): the address they will have
        return f"/{get_language()}/advocacy/messages/{message.pk}/"


class AdvocacyPage(OrganisationOwnedPage, Page):
    """A campaign or dossier carrying the shared messages, written in an organisation's space.

    The byline is what the contributor chose (pseudonym, the organisation's name, or their public name); the
    page owner and revision authors are never shown on the public site.
    """

    kind = models.CharField(
        _("kind"), max_length=16, choices=AdvocacyPageKind.choices, default=AdvocacyPageKind.CAMPAIGN
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=800)
    body = CheckedStreamField(AdvocacyBodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))
    themes = ParentalManyToManyField(
        "themes.Theme", blank=True, related_name="advocacy_pages", verbose_name=_("themes")
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=PageVisibility.choices, default=PageVisibility.PUBLIC
    )
    signature_kind = models.CharField(
        _("sign as"), max_length=16, choices=SignatureKind.choices, default=SignatureKind.COLLECTIVE
    )
    signature_pseudonym = models.CharField(_("pseudonym"), max_length=80, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("signature_kind"), FieldPanel("signature_pseudonym")], heading=_("Signature")),
    ]
    settings_panels = [
        MultiFieldPanel(
            [FieldPanel("visibility"), FieldPanel("kind"), FieldPanel("themes")], heading=_("About this page")
        ),
        *Page.settings_panels,
    ]
    parent_page_types = ["cms.OrganisationSpacePage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("visibility"),
        index.FilterField("organisation"),
    ]

    class Meta:
        verbose_name = _("advocacy page")
        verbose_name_plural = _("advocacy pages")

    def clean(self) -> None:
        super().clean()
        self.signature_pseudonym = (self.signature_pseudonym or "").strip()
        if self.signature_kind == SignatureKind.PSEUDONYM and not self.signature_pseudonym:
            raise ValidationError({"signature_pseudonym": _("Write the pseudonym this page is signed with.")})

    @property
    def public_signature(self) -> str:
        """The byline shown on the public site: what the contributor chose, never who they are.

        A pseudonym, the organisation's name, or the owner's public name; the real name only when its owner
        chose to show it. Whenever there is nothing safe to show, the organisation signs.
        """
        collective = self.organisation.name if self.organisation_id else ""
        if self.signature_kind == SignatureKind.PSEUDONYM:
            return self.signature_pseudonym or collective
        if self.signature_kind == SignatureKind.REAL_NAME and self.owner_id:
            owner = self.owner
            if owner.show_real_name and owner.get_full_name():
                return owner.get_full_name()
            return owner.public_name or collective  # never the username or the email address
        return collective

    @property
    def is_public(self) -> bool:
        return self.visibility == PageVisibility.PUBLIC

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Answer 404, exactly as for a missing page, to anyone the policy does not let see it."""
        from cms.rules import PageAction
        from network.orgs import policy

        if not policy.can(request.user, PageAction.VIEW_PAGE, self):
            raise Http404
        response = super().serve(request, *args, **kwargs)
        if not self.is_public:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The page, and which of the messages and resources it embeds this visitor may see (two queries)."""
        from network.advocacy.rules import AdvocacyAction
        from network.orgs import policy
        from network.resources import rules as resource_rules

        context = super().get_context(request, *args, **kwargs)
        message_ids = {block.value.pk for block in self.body if block.block_type == "key_message" and block.value}
        resource_ids = {block.value.pk for block in self.body if block.block_type == "resource" and block.value}
        user = getattr(request, "user", None)
        context["visible_message_ids"] = (
            set(
                policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
                .filter(pk__in=message_ids)
                .values_list("pk", flat=True)
            )
            if message_ids
            else set()
        )
        for block in self.body:  # the block template links each message it may show
            if block.block_type == "key_message" and block.value and block.value.pk in context["visible_message_ids"]:
                block.value.link = key_message_link(block.value)
        context["visible_resource_ids"] = (
            set(resource_rules.visible_resources(user).filter(pk__in=resource_ids).values_list("pk", flat=True))
            if resource_ids
            else set()
        )
        context["signature"] = self.public_signature
        context["page_themes"] = list(self.themes.all())
        return context

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        """Network-only pages stay out of the sitemap (their address and title are not public)."""
        if not self.is_public:
            return []
        return super().get_sitemap_urls(request)


class OpportunityLevel(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class AdvocacyOpportunity(ClusterableModel):
    """A moment to carry the messages: a consultation, a hearing, a conference, a day of action."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    level = models.CharField(_("level"), max_length=16, choices=OpportunityLevel.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True, help_text=_("E.g. to send a contribution."))
    key_messages = ParentalManyToManyField(
        KeyMessage, blank=True, related_name="opportunities", verbose_name=_("key messages to bring")
    )
    organisations = ParentalManyToManyField(
        "orgs.Organisation",
        blank=True,
        related_name="advocacy_opportunities",
        verbose_name=_("organisations taking part"),
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Untick to show it to network members only.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("all_day"), FieldPanel("deadline")],
            heading=_("When"),
        ),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url"), FieldPanel("level")], heading=_("Where")),
        FieldPanel("key_messages"),
        FieldPanel("organisations"),
        FieldPanel("is_public"),
    ]

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("advocacy opportunity")
        verbose_name_plural = _("advocacy opportunities")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The end cannot come before the start.")})


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class OpportunityParticipation(models.Model):
    """An organisation's answer to being named as taking part in an opportunity.

    Naming an organisation is its own decision: an opportunity lists it publicly only once one of its
    coordinators confirms (until then it is "invited", shown to those who manage the opportunity only).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(AdvocacyOpportunity, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="opportunity_participations"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ParticipationStatus.choices, default=ParticipationStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at"]
        verbose_name = _("participation in an opportunity")
        verbose_name_plural = _("participations in opportunities")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "organisation"], name="participation_one_per_organisation"),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values), name="participation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.opportunity_id} ({self.status})"
