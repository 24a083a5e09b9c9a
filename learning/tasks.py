"""Celery tasks for records of learning."""

from celery import shared_task

from learning.services.certificates import certificate_render as certificate_render_service


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificate_render(*, certificate_id: int) -> None:
    """Render a certificate's PNG and PDF after its completion has committed."""
    certificate_render_service(certificate_id=certificate_id)
