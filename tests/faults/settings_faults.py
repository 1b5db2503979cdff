"""Settings of the processes the fault tests start: production's, plus the test-only hooks app (hooks.py).

The hooks do nothing unless the test sets their environment variables; production code carries no test hook.
"""

from network.settings.production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.faults.hooks.FaultHooksConfig"]  # noqa: F405

# The processes serve no collected static files here (no collectstatic): error pages must still render.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
