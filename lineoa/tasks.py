"""Celery tasks of the LINE side: thin wrappers that take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from essdispatch.jobs import enqueue


@shared_task(name="lineoa.process_user_inbox", acks_late=True)
def process_user_inbox(line_user_id: str) -> int:
    from lineoa.services import inbox_process_user

    return inbox_process_user(line_user_id)


@shared_task(name="lineoa.send_outbound", acks_late=True)
def send_outbound(message_id: int) -> None:
    from lineoa.services import outbound_send

    retry_in = outbound_send(message_id)
    if retry_in is not None:
        enqueue(send_outbound, message_id, countdown=retry_in)
