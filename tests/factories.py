"""Factories that build data through the real services, so tests start from states the product can reach."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from network.accounts.models import User
from network.orgs import policy, services
from network.orgs.models import Membership, Organisation, OrganisationKind, Partnership, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """The account's address, verified by its owner (pass `verified_email=False` for an unverified one)."""
        if create and obj.email:
            EmailAddress.objects.update_or_create(
                user=obj,
                email=obj.email,
                defaults={"verified": extracted is not False, "primary": True},
            )


def network_admin(**kwargs) -> User:
    user = UserFactory(**kwargs)
    services.network_admin_grant(user=user)
    return user


def _system_admin() -> User:
    user = User.objects.filter(groups__name=policy.NETWORK_ADMINS_GROUP, username="factory-admin").first()
    return user or network_admin(username="factory-admin")


def organisation(**fields) -> Organisation:
    """An organisation onboarded by a network administrator, with its Wagtail subtree and collection."""
    n = Organisation.objects.count() + 1
    defaults = {
        "name": f"Organisation {n}",
        "kind": OrganisationKind.NGO_PROGRAMME,
        "country": "FR",
        "city": "Marseille",
    }
    defaults.update(fields)
    return services.organisation_create(acting_user=_system_admin(), **defaults)


def member(org: Organisation, role: str = Role.STAFF, user: User | None = None, **user_fields) -> User:
    """A user holding `role` in `org` (added by a network admin for coordinators, a coordinator otherwise)."""
    user = user or UserFactory(**user_fields)
    services.membership_add(organisation=org, user=user, role=role, acting_user=_acting_for(org, role))
    policy.forget(user)
    return user


def membership(org: Organisation, role: str = Role.STAFF, **user_fields) -> Membership:
    user = member(org, role, **user_fields)
    return Membership.objects.get(user=user, organisation=org)


def _acting_for(org: Organisation, role: str) -> User:
    if role == Role.COORDINATOR:
        return _system_admin()
    coordinator = User.objects.filter(memberships__organisation=org, memberships__role=Role.COORDINATOR).first()
    if coordinator is None:
        coordinator = member(org, Role.COORDINATOR)
    return coordinator


def coordinator_of(org: Organisation) -> User:
    return _acting_for(org, Role.STAFF)


def active_partnership(a: Organisation, b: Organisation) -> Partnership:
    partnership = services.partnership_propose(
        proposer=a, partner=b, charter="Respect, confidentiality, no judgement.", acting_user=coordinator_of(a)
    )
    return services.partnership_accept(partnership=partnership, acting_user=coordinator_of(b))


def group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]
