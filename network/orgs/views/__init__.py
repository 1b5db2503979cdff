"""Views of the orgs app, split by audience: the public directory, members' screens, partnerships."""
