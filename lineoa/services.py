"""Writes of the LINE side: the webhook inbox, processing it, and outbound messages."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lineoa import client
from lineoa.conversation import conversation_step
from lineoa.models import InboxEvent, LineUser, OutboundMessage

logger = logging.getLogger(__name__)

# After this many failed attempts an inbox event is set aside (processed, with its error kept) so
# one poisoned event cannot block the rest of that user's conversation forever.
INBOX_MAX_ATTEMPTS = 5
OUTBOUND_MAX_ATTEMPTS = 8


class MalformedWebhook(ValueError):
    """The webhook body is not what LINE sends; the webhook answers 400."""


# Inbox ------------------------------------------------------------------------------------------


def inbox_store(payload: Any) -> list[str]:
    """Store every event of a verified webhook body, once each; return the LINE user ids to process.

    All events go into the inbox in one transaction, keyed by ``webhookEventId``: a redelivered event
    finds its row and is not stored or processed again. Processing starts after commit.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise MalformedWebhook("body must be an object with an events list")
    now = timezone.now()
    users: list[str] = []
    with transaction.atomic():
        for event in payload["events"]:
            if not isinstance(event, dict):
                raise MalformedWebhook("each event must be an object")
            event_id = event.get("webhookEventId")
            kind = event.get("type")
            if not isinstance(event_id, str) or not event_id or len(event_id) > 64:
                raise MalformedWebhook("event without webhookEventId")
            if not isinstance(kind, str):
                raise MalformedWebhook("event without type")
            source = event.get("source")
            source = source if isinstance(source, dict) else {}
            user_id = source.get("userId") if source.get("type") == "user" else ""
            user_id = user_id if isinstance(user_id, str) and len(user_id) <= 64 else ""
            redelivery = bool((event.get("deliveryContext") or {}).get("isRedelivery", False))
            _, created = InboxEvent.objects.get_or_create(
                webhook_event_id=event_id,
                defaults={
                    "event_type": kind[:32],
                    "line_user_id": user_id,
                    "payload": event,
                    "is_redelivery": redelivery,
                    "received_at": now,
                    # Events that carry no user (group chats, unknown types) have nothing to do.
                    "processed_at": None if user_id else now,
                },
            )
            if created and user_id and user_id not in users:
                users.append(user_id)
    from essdispatch.jobs import enqueue
    from lineoa.tasks import process_user_inbox

    for user_id in users:
        transaction.on_commit(lambda u=user_id: enqueue(process_user_inbox, u))  # type: ignore[misc]
    return users


def inbox_process_user(line_user_id: str) -> int:
    """Process the user's unprocessed events in the order LINE sent them; return how many.

    1. Lock the user's row, so only one worker advances this conversation at a time.
    2. Take the oldest unprocessed event, run one conversation step in a savepoint, store the
       reply as an outbound message and mark the event processed, all in one transaction.
    3. A failing step rolls back alone; the event keeps its error and stays for the sweep.
    4. After commit, send the replies.
    """
    done = 0
    while True:
        upcoming = (
            InboxEvent.objects.filter(line_user_id=line_user_id, processed_at__isnull=True)
            .order_by("received_at", "pk")
            .values_list("payload", flat=True)
            .first()
        )
        if upcoming is None:
            return done
        if _is_slow_step(upcoming):
            # Outside the transaction: no lock is held while LINE is called.
            show_loading_best_effort(line_user_id)
        with transaction.atomic():
            user, _ = LineUser.objects.get_or_create(line_user_id=line_user_id)
            user = LineUser.objects.select_for_update().get(pk=user.pk)
            event = (
                InboxEvent.objects.filter(line_user_id=line_user_id, processed_at__isnull=True)
                .order_by("received_at", "pk")
                .first()
            )
            if event is None:
                return done
            event.attempts += 1
            try:
                with transaction.atomic():
                    messages = conversation_step(user, event.payload)
                    if messages:
                        outbound_create(
                            line_user_id=line_user_id,
                            purpose=f"reply.{event.event_type}",
                            messages=messages,
                            reply_token=str(event.payload.get("replyToken") or ""),
                            event_time=_event_time(event.payload),
                        )
            except Exception as exc:
                logger.exception("inbox event %s failed (attempt %d)", event.webhook_event_id, event.attempts)
                event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if event.attempts >= INBOX_MAX_ATTEMPTS:
                    event.processed_at = timezone.now()
                event.save(update_fields=["attempts", "last_error", "processed_at"])
                if event.processed_at is None:
                    return done
                continue
            event.processed_at = timezone.now()
            event.save(update_fields=["attempts", "processed_at"])
            done += 1


def _is_slow_step(event: Any) -> bool:
    """Confirming a report routes it and creates the case: worth LINE's loading animation."""
    postback = event.get("postback") if isinstance(event, dict) else None
    return isinstance(postback, dict) and postback.get("data") == "action=confirm"


def inbox_sweep(*, older_than: timedelta = timedelta(seconds=10)) -> int:
    """Queue processing for users whose events were left unprocessed (a crash, a broker outage)."""
    from essdispatch.jobs import enqueue
    from lineoa.tasks import process_user_inbox

    cutoff = timezone.now() - older_than
    users = list(
        InboxEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
        .values_list("line_user_id", flat=True)
        .distinct()[:500]
    )
    for user_id in users:
        enqueue(process_user_inbox, user_id)
    return len(users)


def _event_time(event: dict[str, Any]) -> datetime:
    try:
        return datetime.fromtimestamp(int(event["timestamp"]) / 1000, tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


# Outbound ---------------------------------------------------------------------------------------


def outbound_create(
    *,
    line_user_id: str,
    purpose: str,
    messages: list[dict[str, Any]],
    reply_token: str = "",
    event_time: datetime | None = None,
    incident_id: int | None = None,
) -> OutboundMessage:
    """Record a message to send; it is sent after the surrounding transaction commits."""
    from essdispatch.jobs import enqueue
    from lineoa.tasks import send_outbound

    expires = None
    if reply_token:
        expires = (event_time or timezone.now()) + timedelta(seconds=client.REPLY_TOKEN_SECONDS)
    message = OutboundMessage.objects.create(
        line_user_id=line_user_id,
        purpose=purpose,
        messages=messages[:5],
        reply_token=reply_token,
        reply_token_expires_at=expires,
        incident_id=incident_id,
        created_at=timezone.now(),
    )
    transaction.on_commit(lambda: enqueue(send_outbound, message.pk))
    return message


def outbound_send(message_id: int) -> float | None:
    """Send one outbound message; return seconds until a retry is due, or None when finished.

    1. Claim it: a conditional update moves ``next_attempt_at`` a lease ahead, so two workers
       (or a worker and the sweep) never send it at the same moment. No transaction is held
       during the network call.
    2. A reporter who unfollowed is recorded as blocked and never messaged.
    3. Reply while the reply token is fresh; otherwise (or if LINE refuses the token) push with the
       message's retry key, which LINE uses to deliver it at most once.
    4. Record the outcome: sent; a transient error schedules a retry with exponential backoff and
       jitter; a permanent one (or too many attempts) is recorded as failed.
    """
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=message_id,
        status=OutboundMessage.Status.PENDING,
    ).update(
        next_attempt_at=now + timedelta(seconds=settings.LINE_SEND_LEASE_SECONDS), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    message = OutboundMessage.objects.get(pk=message_id)
    following = (
        LineUser.objects.filter(line_user_id=message.line_user_id).values_list("following", flat=True).first()
    )
    if following is False:
        _finish(message, OutboundMessage.Status.BLOCKED, error="ผู้แจ้งเลิกติดตามหรือบล็อกบัญชี")
        return None
    try:
        via = _deliver(message, now)
    except client.LineError as exc:
        if exc.transient and message.attempts < OUTBOUND_MAX_ATTEMPTS:
            delay = _backoff(message.attempts)
            OutboundMessage.objects.filter(pk=message.pk).update(
                next_attempt_at=timezone.now() + timedelta(seconds=delay), last_error=str(exc)[:2000]
            )
            return delay
        _finish(message, OutboundMessage.Status.FAILED, error=str(exc))
        return None
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundMessage.Status.SENT, sent_via=via, sent_at=timezone.now(), last_error=""
    )
    _record_on_case(message, OutboundMessage.Status.SENT)
    return None


def _deliver(message: OutboundMessage, now: datetime) -> str:
    fresh = (
        message.reply_token
        and message.reply_token_expires_at is not None
        and message.reply_token_expires_at > now
        and message.attempts == 1
    )
    if fresh:
        try:
            client.reply(message.reply_token, message.messages)
            return "reply"
        except client.LineError as exc:
            if exc.status != 400:
                raise
            # The token expired or was used: LINE did not deliver, so push instead.
    client.push(message.line_user_id, message.messages, retry_key=str(message.retry_key))
    return "push"


def _finish(message: OutboundMessage, status: str, *, error: str) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(status=status, last_error=error[:2000])
    _record_on_case(message, status, error)


def _record_on_case(message: OutboundMessage, status: str, error: str = "") -> None:
    if message.incident_id is None:
        return
    from incidents.services import incident_record_message_state

    detail = {
        OutboundMessage.Status.BLOCKED: "ส่งข้อความถึงผู้แจ้งไม่ได้: ผู้แจ้งบล็อกหรือเลิกติดตามบัญชี",
        OutboundMessage.Status.FAILED: f"ส่งข้อความถึงผู้แจ้งไม่สำเร็จ ({error[:200]})",
    }.get(OutboundMessage.Status(status), "")
    incident_record_message_state(incident_id=message.incident_id, state=status, detail=detail)


def _backoff(attempt: int) -> float:
    base: float = min(300.0, 2.0**attempt)
    return float(base * random.uniform(0.5, 1.5))  # noqa: S311 (jitter, not security)


def outbound_sweep(*, stale_after: timedelta = timedelta(seconds=10)) -> int:
    """Queue pending messages whose retry is due or whose first send never started."""
    from essdispatch.jobs import enqueue
    from lineoa.tasks import send_outbound

    now = timezone.now()
    due: Iterable[int] = OutboundMessage.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=now - stale_after),
        status=OutboundMessage.Status.PENDING,
    ).values_list("pk", flat=True)[:500]
    count = 0
    for pk in due:
        enqueue(send_outbound, pk)
        count += 1
    return count


def show_loading_best_effort(line_user_id: str) -> None:
    """LINE's typing indicator while a slow step runs; failing to show it changes nothing."""
    try:
        client.show_loading(line_user_id, seconds=5)
    except client.LineError as exc:
        logger.info("loading animation not shown: %s", exc)


def line_records_purge(*, batch: int = 2000) -> int:
    """Inbox events and sent messages are a delivery buffer, not the record (the case is): after
    LINE_RECORDS_DAYS they are deleted, with the phone numbers and messages they carry."""
    cutoff = timezone.now() - timedelta(days=settings.LINE_RECORDS_DAYS)
    inbox = list(InboxEvent.objects.filter(processed_at__lt=cutoff).values_list("pk", flat=True)[:batch])
    outbound = list(
        OutboundMessage.objects.filter(created_at__lt=cutoff)
        .exclude(status=OutboundMessage.Status.PENDING)
        .values_list("pk", flat=True)[:batch]
    )
    InboxEvent.objects.filter(pk__in=inbox).delete()
    OutboundMessage.objects.filter(pk__in=outbound).delete()
    return len(inbox) + len(outbound)
