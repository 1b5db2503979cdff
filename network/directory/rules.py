"""Access rules of the service directory: who sees a service and its address, who keeps it, who refers to it.

Registered into the policy core by `DirectoryConfig.ready()`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from network.orgs import policy
from network.orgs.models import Organisation, Partnership, PartnershipStatus
from network.orgs.policy import Action, Actor
from network.orgs.rules import OrganisationAction

from .models import ReferralsFrom, Service


class DirectoryAction(Action):
    VIEW_SERVICE = "view_service"
    MANAGE_SERVICES = "manage_services"  # obj: a service, or the organisation offering services
    REFER_TO_SERVICE = "refer_to_service"


def _is_public(service: Service) -> bool:
    return service.is_active and service.is_public and service.organisation.is_active


def may_view_service(user: Actor, service: Service) -> bool:
    """Public services for everyone; members-only services for network members; own inactive ones for members."""
    if _is_public(service):
        return True
    visible_to_members = service.is_active and service.organisation.is_active and policy.is_network_member(user)
    return visible_to_members or service.organisation_id in policy.member_organisation_ids(user, include_inactive=True)


def visible_services(user: Actor) -> QuerySet[Service]:
    """Public services for everyone; members-only services for network members; own inactive ones for members."""
    queryset = Service.objects.select_related("organisation", "category")
    if policy.is_network_admin(user):
        return queryset
    if policy.is_network_member(user):
        own = Q(organisation_id__in=policy.member_organisation_ids(user, include_inactive=True))
        return queryset.filter(Q(is_active=True, organisation__is_active=True) | own)
    return queryset.filter(is_active=True, is_public=True, organisation__is_active=True)


def may_view_service_address(user: Actor, service: Service) -> bool:
    """Visitors see a public service's address unless it is confidential; its organisation's members see it."""
    if not policy.is_signed_in(user):
        return _is_public(service) and not service.address_is_confidential
    own = service.organisation_id in policy.member_organisation_ids(user, include_inactive=True)
    return not service.address_is_confidential or own


def may_manage_service(user: Actor, service: Service) -> bool:
    """The organisation's own coordinators, as for its profile."""
    return policy.has_organisation_permission(user, service.organisation_id, "change_organisation")


def referable_services(user: Actor, sender: Organisation | None = None) -> QuerySet[Service]:
    """Services the user may send a referral to, on behalf of `sender` (or of any organisation they send for).

    A service takes referrals from the whole network, or from active partners of its organisation only; never
    from its own organisation's services to itself.
    """
    senders = [
        org_id
        for org_id in policy.organisation_ids_with(user, "send_referrals")
        if sender is None or org_id == sender.pk
    ]
    if not senders:
        return Service.objects.none()
    partner_ids = set()
    for proposer_id, partner_id in Partnership.objects.filter(
        Q(proposer_id__in=senders) | Q(partner_id__in=senders), status=PartnershipStatus.ACTIVE
    ).values_list("proposer_id", "partner_id"):
        partner_ids.update({proposer_id, partner_id})
    partner_ids.difference_update(senders)
    return (
        Service.objects.select_related("organisation", "category")
        .filter(is_active=True, accepts_referrals=True, organisation__is_active=True)
        .exclude(organisation_id__in=senders)
        .filter(Q(referrals_from=ReferralsFrom.NETWORK) | Q(organisation_id__in=partner_ids))
    )


def register_rules() -> None:
    register, A = policy.register, DirectoryAction
    register(
        A.VIEW_SERVICE, Service, check=may_view_service, lister=visible_services, anonymous=True, network_admins=True
    )
    register(
        OrganisationAction.VIEW_ADDRESS, Service, check=may_view_service_address, anonymous=True, network_admins=True
    )
    policy.register_organisation_permission(A.MANAGE_SERVICES, "change_organisation")
    register(A.MANAGE_SERVICES, Service, check=may_manage_service)
    register(A.REFER_TO_SERVICE, Service, lister=referable_services)
