"""Signals the organisation services send, so other apps build on organisations without orgs knowing them.

Each is sent inside the service's transaction, after the organisation was saved: a receiver that fails rolls the
whole change back, as if its work were part of the service. `cms` listens to set up and keep each organisation's
space in the Wagtail site (cms/spaces.py).
"""

from django.dispatch import Signal

#: A new organisation was saved (kwargs: organisation). Receivers give it what it needs elsewhere.
organisation_created = Signal()

#: An organisation's profile (name included) was changed and saved (kwargs: organisation).
organisation_profile_changed = Signal()

#: An organisation was deactivated or reactivated (kwargs: organisation, active, acting_user).
organisation_activity_changed = Signal()
