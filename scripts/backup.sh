#!/usr/bin/env sh
# An encrypted backup of the database, and a copy of the erasure ledger beside it (cron or a systemd timer).
#
#   BACKUP_DIR=/var/backups/passerelle scripts/backup.sh
#
# Needs the application's environment (DATABASE_URL, BACKUP_ENCRYPTION_KEYS, ERASURE_LEDGER_PATH, and the
# settings' other variables) and pg_dump of the server's major version or newer. The dump never touches the
# disk in clear. Restore with:
#   python manage.py restore_database --input FILE --database-url postgres://.../fresh --ledger LEDGER
# using the newest copy of the ledger (the live one if it survived), never the one saved with an older backup.
set -eu

cd "$(dirname "$0")/.."
BACKUP_DIR=${BACKUP_DIR:?Set BACKUP_DIR to where backups are kept}
PYTHON=${PYTHON:-python}
stamp=$(date -u +%Y%m%dT%H%M%SZ)

umask 077
mkdir -p "$BACKUP_DIR"
"$PYTHON" manage.py backup_database --output "$BACKUP_DIR/passerelle-$stamp.backup"
if [ -n "${ERASURE_LEDGER_PATH:-}" ] && [ -f "$ERASURE_LEDGER_PATH" ]; then
    # Ids and dates only: safe to keep beside the backups, and needed to restore any of them.
    cp "$ERASURE_LEDGER_PATH" "$BACKUP_DIR/erasure-ledger-$stamp.jsonl"
fi
