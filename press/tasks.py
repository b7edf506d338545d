from celery import shared_task


@shared_task(acks_late=True)
def clipping_fetch_task(clipping_id: int) -> None:
    """Read a clipping's page (title, date, outlet). Safe to run twice."""
    from press.services.coverage import clipping_fetch

    clipping_fetch(clipping_id=clipping_id)


@shared_task(acks_late=True)
def press_kit_build_task(kit_id: int) -> None:
    """Build one press kit (press.services.kits). Safe to run twice: a kit already built is left alone."""
    from press.services.kits import press_kit_build

    press_kit_build(kit_id=kit_id)
