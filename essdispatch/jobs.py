"""How background work is started: one place that knows about TASK_MODE.

Work is always a Celery task that takes ids. With a broker (``TASK_MODE=celery``) it goes to a worker;
on the embedded default (``thread``) it runs on a small thread pool of the web process, so the
request that scheduled it answers first; ``inline`` runs it right away (tests). Retries are scheduled
with :func:`enqueue` and a countdown, and every piece of work is also a database row that the periodic
sweep picks up again, so a lost message to the broker or a crash loses nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ess-job")


def enqueue(task: Task[Any, Any], *args: Any, countdown: float = 0) -> None:
    """Start ``task(*args)`` in the configured way, after ``countdown`` seconds."""
    mode = settings.TASK_MODE
    if mode == "celery":
        try:
            task.apply_async(args=args, countdown=countdown)
        except Exception:
            # The broker is down. The row behind the task is still pending, and the sweep will
            # queue it again once the broker is back; the caller must not fail because of this.
            logger.exception("could not queue %s%r; the sweep will retry", task.name, args)
    elif mode == "thread":
        if countdown > 0:
            timer = threading.Timer(countdown, _executor.submit, args=(_run, task, args))
            timer.daemon = True
            timer.start()
        else:
            _executor.submit(_run, task, args)
    elif countdown <= 0:
        _run(task, args)
    # inline with a countdown: the retry is left to the sweep, so tests never loop.


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Start ``task(*args)`` once the current transaction has committed."""
    transaction.on_commit(lambda: enqueue(task, *args))


def _run(task: Task[Any, Any], args: tuple[Any, ...]) -> None:
    in_thread = settings.TASK_MODE == "thread"
    if in_thread:
        close_old_connections()
    try:
        task.run(*args)
    except Exception:
        logger.exception("background task %s%r failed; the sweep will retry", task.name, args)
        if settings.TASK_MODE == "inline":
            raise
    finally:
        if in_thread:
            close_old_connections()


_sweeper_started = False
_sweeper_lock = threading.Lock()


def start_embedded_sweeper(sweep: Callable[[], object]) -> None:
    """Run ``sweep`` every SWEEP_INTERVAL_SECONDS on a daemon thread (embedded default only)."""
    global _sweeper_started
    with _sweeper_lock:
        if _sweeper_started:
            return
        _sweeper_started = True

    def loop() -> None:
        while True:
            time.sleep(settings.SWEEP_INTERVAL_SECONDS)
            close_old_connections()
            try:
                sweep()
            except Exception:
                logger.exception("embedded sweep failed")
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="ess-sweeper", daemon=True).start()
