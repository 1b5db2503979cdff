"""Key messages in the Wagtail admin: a snippet with Wagtail's history, revisions and comparison, whose every
screen asks the access policy.

Wagtail's generic views check permissions per model, not per object (wagtail issue #13314): the listing is scoped to
the messages the user may see, every object lookup to those they may edit (anything else answers 404, as a missing
one does), and saving goes through `services` (which ask the policy again, write the version with the acting user
and the audit log). Deleting is never offered: the network retires a message instead.

Importing this module registers the permission policy; `wagtail_hooks.py` registers the viewset.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import RevisionsRevertMixin
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    RevisionsCompareView,
    SnippetViewSet,
    UsageView,
)

from network.accounts.models import User
from network.advocacy.rules import AdvocacyAction
from network.core.service_errors import ServiceErrorsMixin
from network.orgs import policy
from network.orgs import selectors as org_selectors
from network.orgs.policy import AccessDenied
from network.resources import rules as resource_rules

from . import services
from .models import KeyMessage


class KeyMessagePermissionPolicy(BasePermissionPolicy):
    """Contributors (coordinators, staff, peers) add and change messages as the policy allows, one by one."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in ("add", "change"):
            return policy.organisations_where(user, AdvocacyAction.CONTRIBUTE_ADVOCACY).exists()
        return False  # "delete": messages are retired, never deleted; "publish", "lock": not used

    def user_has_permission_for_instance(self, user: Any, action: str, instance: KeyMessage) -> bool:
        if action == "change":
            return policy.can(user, AdvocacyAction.EDIT_KEY_MESSAGE, instance)
        if action == "view":
            return policy.can(user, AdvocacyAction.VIEW_KEY_MESSAGE, instance)
        return False

    def instances_user_has_any_permission_for(self, user: Any, actions: list[str]) -> QuerySet[KeyMessage]:
        if "change" in actions:
            return policy.visible(user, AdvocacyAction.EDIT_KEY_MESSAGE)
        if "view" in actions:
            return policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
        return KeyMessage.objects.none()

    def users_with_any_permission(self, actions: list[str]) -> QuerySet[User]:
        if {"add", "change"} & set(actions):
            return org_selectors.users_who_can(AdvocacyAction.CONTRIBUTE_ADVOCACY)
        return User.objects.none()


# Registered at import, before anything asks Wagtail for this model's policy (or it would create a fallback one).
if policy_registry.get_by_type(KeyMessage, fallback=False) is None:
    register_permission_policy(KeyMessage, KeyMessagePermissionPolicy(KeyMessage), exact_class=True)


class KeyMessageAdminForm(WagtailAdminModelForm):
    """The drafting organisation is chosen among the user's organisations when creating, fixed afterwards;
    evidence is chosen among the library resources the user may see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "drafting_organisation" in self.fields:
            field = self.fields["drafting_organisation"]
            if self.instance._state.adding:
                field.queryset = policy.organisations_where(self.for_user, AdvocacyAction.CONTRIBUTE_ADVOCACY).order_by(
                    "name"
                )
            else:
                field.queryset = field.queryset.filter(pk=self.instance.drafting_organisation_id)
                field.disabled = True
        if "evidence" in self.fields:
            self.fields["evidence"].queryset = resource_rules.visible_resources(self.for_user).order_by("title")


def _values(form: KeyMessageAdminForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "statement": data["statement"],
        "argument": data.get("argument", ""),
        "themes": list(data.get("themes") or []),
        "evidence": list(data.get("evidence") or []),
    }


def _editable(request: Any) -> QuerySet[KeyMessage]:
    return policy.visible(request.user, AdvocacyAction.EDIT_KEY_MESSAGE)


class _ServiceErrorsMixin(ServiceErrorsMixin):
    """A service's refusal (invalid input, or the policy's AccessDenied) is shown on the form; nothing is saved."""

    refusals = (AccessDenied,)


class KeyMessageIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[KeyMessage]:
        return policy.visible(self.request.user, AdvocacyAction.VIEW_KEY_MESSAGE).select_related(
            "drafting_organisation", "locale"
        )


class KeyMessageCreateView(_ServiceErrorsMixin, CreateView):
    def save_instance(self) -> KeyMessage:
        message = services.key_message_create(
            organisation=self.form.cleaned_data["drafting_organisation"],
            acting_user=self.request.user,
            locale=self.locale,
            **_values(self.form),
        )
        self.new_revision = message.latest_revision
        return message


class KeyMessageEditView(_ServiceErrorsMixin, EditView):
    def get_object(self, queryset: Any = None) -> KeyMessage:
        self.live_object = get_object_or_404(_editable(self.request), pk=unquote(str(self.kwargs[self.pk_url_kwarg])))
        return self.live_object

    def save_instance(self) -> KeyMessage:
        message = KeyMessage.objects.get(pk=self.object.pk)  # the form already wrote its values onto self.object
        message = services.key_message_update(message=message, acting_user=self.request.user, **_values(self.form))
        self.new_revision = message.latest_revision
        return message


class KeyMessageRevertView(RevisionsRevertMixin, KeyMessageEditView):
    """Going back to an earlier version saves it as a new version, through the same service."""

    def get_object(self, queryset: Any = None) -> KeyMessage:
        message = KeyMessageEditView.get_object(self, queryset)
        self.revision = get_object_or_404(message.revisions, id=self.revision_id)
        return self.revision.as_object()

    def save_instance(self) -> KeyMessage:
        return KeyMessageEditView.save_instance(self)


class KeyMessageDeleteView(DeleteView):
    """Reachable only to answer: 404 outside the user's scope, 403 inside it (messages are retired, not deleted)."""

    def get_object(self, queryset: Any = None) -> KeyMessage:
        return get_object_or_404(_editable(self.request), pk=unquote(str(self.kwargs[self.pk_url_kwarg])))


class KeyMessageHistoryView(HistoryView):
    def get_base_object_queryset(self) -> QuerySet[KeyMessage]:
        return _editable(self.request)


class KeyMessageUsageView(UsageView):
    def get_base_object_queryset(self) -> QuerySet[KeyMessage]:
        return _editable(self.request)


class KeyMessageCompareView(RevisionsCompareView):
    def get_object(self, queryset: Any = None) -> KeyMessage:
        return get_object_or_404(_editable(self.request), pk=unquote(str(self.pk)))


class _VisibleMessagesMixin:
    """The chooser (advocacy pages' key message block) lists and returns only messages the user may see."""

    def get_object_list(self) -> QuerySet[KeyMessage]:
        # By primary key: the chooser's search filters through the search index, which knows only indexed fields.
        visible = policy.visible(self.request.user, AdvocacyAction.VIEW_KEY_MESSAGE).values("pk")
        return KeyMessage.objects.filter(pk__in=visible).select_related("locale")


class KeyMessageChooseView(_VisibleMessagesMixin, ChooseView):
    pass


class KeyMessageChooseResultsView(_VisibleMessagesMixin, ChooseResultsView):
    pass


class KeyMessageChosenView(SnippetChosenView):
    def get_object(self, pk: Any) -> KeyMessage:
        return policy.visible(self.request.user, AdvocacyAction.VIEW_KEY_MESSAGE).get(pk=pk)


class KeyMessageChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks: list[Any]) -> QuerySet[KeyMessage]:
        return policy.visible(self.request.user, AdvocacyAction.VIEW_KEY_MESSAGE).filter(pk__in=pks)


class NoCreationInChooserView(SnippetCreateView):
    """Key messages and opportunities are created through their services (policy, versions), never from a
    chooser modal: the modal's create form answers 403 instead of failing."""

    def can_create(self) -> bool:
        return False


class KeyMessageChooserViewSet(SnippetChooserViewSet):
    create_view_class = NoCreationInChooserView
    choose_view_class = KeyMessageChooseView
    choose_results_view_class = KeyMessageChooseResultsView
    chosen_view_class = KeyMessageChosenView
    chosen_multiple_view_class = KeyMessageChosenMultipleView


class KeyMessageViewSet(SnippetViewSet):
    model = KeyMessage
    icon = "openquote"
    menu_label = _("Key messages")
    menu_name = "key-messages"
    menu_order = 235
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["statement", "status", "drafting_organisation", "locale"]
    list_filter = ["status", "locale"]
    search_fields = ["statement"]
    index_view_class = KeyMessageIndexView
    add_view_class = KeyMessageCreateView
    edit_view_class = KeyMessageEditView
    delete_view_class = KeyMessageDeleteView
    history_view_class = KeyMessageHistoryView
    usage_view_class = KeyMessageUsageView
    revisions_compare_view_class = KeyMessageCompareView
    chooser_viewset_class = KeyMessageChooserViewSet
    edit_handler = ObjectList(
        [
            FieldPanel("drafting_organisation"),
            FieldPanel("statement"),
            FieldPanel("argument"),
            FieldPanel("themes"),
            FieldPanel("evidence"),
        ],
        base_form_class=KeyMessageAdminForm,
    )

    @property
    def revisions_revert_view_class(self) -> type:
        return KeyMessageRevertView
