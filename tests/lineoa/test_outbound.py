from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lineoa.models import LineUser, OutboundMessage
from lineoa.services import OUTBOUND_MAX_ATTEMPTS, outbound_create, outbound_send, outbound_sweep
from tests.fake_line import FakeLine

pytestmark = pytest.mark.django_db

USER = "U" + "c" * 32
PUSH = "/v2/bot/message/push"


def _queue_push(capture: Any, text: str = "สถานะเรื่องของคุณ") -> OutboundMessage:
    with capture(execute=True):
        return outbound_create(line_user_id=USER, purpose="status", messages=[{"type": "text", "text": text}])


def _make_due() -> None:
    OutboundMessage.objects.update(next_attempt_at=timezone.now())


def test_a_push_is_sent_once_with_its_retry_key(
    fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.sent_via == "push"
    (call,) = fake_line.calls(PUSH)
    assert call.headers["X-Line-Retry-Key"] == str(message.retry_key)
    assert call.headers["Authorization"] == "Bearer test-access-token"


def test_server_errors_retry_with_backoff_and_deliver_once(
    fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    fake_line.fail_next(PUSH, 500, times=2)
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING
    assert message.next_attempt_at is not None and message.next_attempt_at > timezone.now()
    assert "500" in message.last_error
    assert outbound_sweep() == 0  # not due yet
    for _ in range(2):
        _make_due()
        assert outbound_sweep() == 1
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.attempts == 3
    assert len(fake_line.delivered()) == 1
    keys = {c.headers["X-Line-Retry-Key"] for c in fake_line.calls(PUSH)}
    assert keys == {str(message.retry_key)}


def test_rate_limit_is_transient(fake_line: FakeLine, django_capture_on_commit_callbacks: Any) -> None:
    fake_line.fail_next(PUSH, 429)
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING


def test_a_repeated_retry_key_counts_as_delivered(
    fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    # LINE accepted the first attempt but the answer was lost: the retry gets 409.
    fake_line.fail_next(PUSH, 409)
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT


def test_client_errors_are_permanent_and_recorded(
    fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    fake_line.fail_next(PUSH, 400, body={"message": "The request body has 1 error(s)"})
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert "1 error" in message.last_error
    _make_due()
    assert outbound_sweep() == 0


def test_it_gives_up_after_the_last_attempt(
    fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    fake_line.fail_next(PUSH, 503, times=OUTBOUND_MAX_ATTEMPTS)
    message = _queue_push(django_capture_on_commit_callbacks)
    for _ in range(OUTBOUND_MAX_ATTEMPTS - 1):
        _make_due()
        outbound_sweep()
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert message.attempts == OUTBOUND_MAX_ATTEMPTS
    assert fake_line.delivered() == []


def test_an_unreachable_line_server_is_a_transient_error(
    fake_line: FakeLine, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LINE_API_BASE_URL = "http://127.0.0.1:1"
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING
    assert "unreachable" in message.last_error


def test_a_slow_line_server_times_out_and_is_retried(
    fake_line: FakeLine, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LINE_API_TIMEOUT_SECONDS = 1
    fake_line.delay_seconds = 1.5
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING
    fake_line.delay_seconds = 0
    _make_due()
    outbound_sweep()
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    # The slow first attempt did reach LINE; the retry key made the second a no-op there.
    assert len(fake_line.delivered()) == 1


def test_a_reporter_who_unfollowed_is_recorded_as_blocked(
    fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    LineUser.objects.create(line_user_id=USER, following=False)
    message = _queue_push(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.BLOCKED
    assert fake_line.calls(PUSH) == []


def test_a_claimed_message_is_not_sent_twice_at_once(fake_line: FakeLine) -> None:
    message = outbound_create(line_user_id=USER, purpose="status", messages=[{"type": "text", "text": "x"}])
    # First sender claims it (lease); a second sender arriving meanwhile finds nothing to do.
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=30)
    )
    assert outbound_send(message.pk) is None
    assert fake_line.calls(PUSH) == []
