from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))


class HomePage(Page):
    """The public home of the network."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.StandardPage", "cms.SpacesIndexPage"]
    max_count = None

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class SpacesIndexPage(Page):
    """Parent of every organisation's own part of the page tree."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OrganisationSpacePage"]
    max_count = 1

    class Meta:
        verbose_name = _("organisation spaces index")


class OrganisationSpacePage(Page):
    """An organisation's part of the page tree: its members publish under it, with its group's permissions."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.SpacesIndexPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("organisation space")
