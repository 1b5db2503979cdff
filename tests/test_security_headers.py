"""Headers every response carries, and the health endpoint the load balancer and process tests use."""

import pytest


@pytest.mark.django_db
def test_pages_carry_csp_frame_and_referrer_headers(client):
    response = client.get("/fr/organisations/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_healthz_reports_the_database_and_is_never_cached(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_celery_is_configured_not_to_lose_or_hang(settings):
    from network import celery_app

    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert celery_app.conf.broker_connection_timeout <= 5
    assert celery_app.conf.broker_transport_options["socket_timeout"] <= 5
