"""Database sessions whose idle limit is pushed back at most once a minute, not written on every request.

`SESSION_SAVE_EVERY_REQUEST` keeps the idle timeout (`SESSION_IDLE_SECONDS`) running from the last request, but
Django's database store then writes the session row on every request: an UPDATE in its own transaction, three
statements and a row lock per page. This store skips that write when nothing in the session changed and the stored
end would move by less than `REFRESH_SECONDS`: a session still ends at most `SESSION_IDLE_SECONDS` after the last
request, and at least `SESSION_IDLE_SECONDS - REFRESH_SECONDS` after it. Any change of the session's data (sign-in,
sign-out, a message, a key cycled) is written at once, as before.

On PostgreSQL the row is read with one prepared statement (the same condition as Django's: this key, not
expired) rather than through the ORM, whose building of that query was a visible share of every signed-in request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

REFRESH_SECONDS = 60


class SessionStore(db.SessionStore):
    _stored_expiry: datetime | None = None

    # Django's private readers of the row (absent from the stubs): they also remember when the row ends.
    def _get_session_from_db(self) -> Any:
        session = self._read_row() if self._reads_directly() else super()._get_session_from_db()  # type: ignore[misc]
        self._stored_expiry = session.expire_date if session is not None else None
        return session

    async def _aget_session_from_db(self) -> Any:
        session = await super()._aget_session_from_db()  # type: ignore[misc]
        self._stored_expiry = session.expire_date if session is not None else None
        return session

    def _reads_directly(self) -> bool:
        return connections[router.db_for_read(self.model)].vendor == "postgresql"

    def _read_row(self) -> Any:
        """Django's read (`Session.objects.get(session_key=..., expire_date__gt=now)`), as one plain statement."""
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        key, data, expiry = (
            connection.ops.quote_name(str(model._meta.get_field(name).column))  # type: ignore[union-attr]
            for name in ("session_key", "session_data", "expire_date")
        )
        table = connection.ops.quote_name(model._meta.db_table)
        # The model's own table and column names, quoted; the values are parameters.
        sql = f"SELECT {data}, {expiry} FROM {table} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does for a missing or expired session
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])  # type: ignore[misc]

    def _write_can_wait(self, must_create: bool) -> bool:
        """Nothing changed and the stored end is still within a refresh of where a write would move it."""
        if must_create or self.session_key is None:
            return False
        self._get_session()  # type: ignore[attr-defined]  # loads the row (and its end) if nothing read it yet
        if self.modified or self._stored_expiry is None:
            return False
        return (self.get_expiry_date() - self._stored_expiry).total_seconds() < REFRESH_SECONDS

    def save(self, must_create: bool = False) -> None:
        if self._write_can_wait(must_create):
            return
        super().save(must_create=must_create)
        self._stored_expiry = None

    async def asave(self, must_create: bool = False) -> None:
        if self._write_can_wait(must_create):
            return
        await super().asave(must_create=must_create)
        self._stored_expiry = None
