from celery import shared_task


@shared_task(acks_late=True)
def clipping_fetch_task(clipping_id: int) -> None:
    """Read a clipping's page (title, date, outlet). Safe to run twice."""
    from press.services.coverage import clipping_fetch

    clipping_fetch(clipping_id=clipping_id)
