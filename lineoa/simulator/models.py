"""What the LINE simulator remembers: simulated users, their chats, and the Messaging API state
(reply tokens, push retry keys, rich menus) that LINE itself would keep.

Everything lives in the database, not in process memory, because the Messaging API stand-in is
called by whichever process sends (a web thread or a Celery worker) while the chat page polls
another.
"""

from __future__ import annotations

from django.db import models


class SimUser(models.Model):
    """A pretend LINE user chatting with the Official Account."""

    user_id = models.CharField(max_length=33, unique=True)
    display_name = models.CharField(max_length=100)
    blocked = models.BooleanField(default=False)
    # The chat shows LINE's loading animation until this moment or the next bot message.
    loading_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.user_id})"


class SimMessage(models.Model):
    """One bubble in a simulated chat: a message the user sent, one the bot delivered (by reply or
    push), or a system line such as "you added ESS Help Me as a friend"."""

    class Sender(models.TextChoices):
        USER = "user"
        BOT = "bot"
        SYSTEM = "system"

    user = models.ForeignKey(SimUser, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    # "reply" or "push" for bot messages, the event type for user messages.
    via = models.CharField(max_length=16, blank=True)
    # LINE's message id (a numeric string), used by the content endpoint and sentMessages.
    message_id = models.CharField(max_length=32, unique=True)
    quote_token = models.CharField(max_length=64, blank=True)
    # The LINE message object as sent or received (for user bubbles: the webhook's ``message``, or
    # ``{"type": "postback", ...}``).
    payload = models.JSONField()
    # Bytes of an image the user sent, served by ``GET v2/bot/message/{id}/content``.
    content = models.BinaryField(null=True, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.sender} {self.message_id}"


class SimEvent(models.Model):
    """A webhook event the simulator built, kept so the page can ask for a redelivery."""

    user = models.ForeignKey(SimUser, on_delete=models.CASCADE, related_name="events")
    webhook_event_id = models.CharField(max_length=26, unique=True)
    event = models.JSONField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.webhook_event_id


class SimReplyToken(models.Model):
    """A reply token the simulator put in an event: valid once, for 60 seconds."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE, related_name="reply_tokens")
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.token


class SimRetryKey(models.Model):
    """An accepted ``X-Line-Retry-Key``: a repeat within 24 hours answers 409."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE, related_name="retry_keys")
    sent_messages = models.JSONField()
    accepted_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.key)


class SimRichMenu(models.Model):
    """A rich menu created through the Messaging API stand-in."""

    rich_menu_id = models.CharField(max_length=64, unique=True)
    definition = models.JSONField()
    image = models.BinaryField(null=True, blank=True)
    image_content_type = models.CharField(max_length=32, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Only one rich menu can be every user's default.
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="linesim_one_default_menu"
            ),
        ]

    def __str__(self) -> str:
        return self.rich_menu_id
