# The image behind docker-compose.yml's migrate, web, worker and beat services.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=network.settings.production

# gettext compiles the translation catalogues at build time; pango and the fonts draw the observatory's PDF report
# (WeasyPrint) in every language of the site (Noto CJK for Chinese, DejaVu for Latin, Cyrillic and Arabic).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The runtime set only: the test, lint, load and audit tools (requirements-dev.txt) stay out of the image.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files and compiled messages belong to the image; throwaway keys let production settings load.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    sh -c '\
        python manage.py collectstatic --noinput --verbosity 0 \
        && if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then python manage.py compilemessages --verbosity 0; fi'

# Run as an unprivileged user that owns only the media directory and the erasure ledger's.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin passerelle \
    && mkdir -p /var/lib/passerelle/media /var/lib/passerelle/ledger \
    && chown passerelle /var/lib/passerelle/media /var/lib/passerelle/ledger
USER passerelle

EXPOSE 8000
CMD ["gunicorn", "network.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--no-control-socket", "--access-logfile", "-"]
