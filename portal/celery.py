"""The Celery application. Settings come from Django's settings under the CELERY_ namespace."""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger(__name__)

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class RequeueOnConnect(bootsteps.StartStopStep):
    """Each time the worker (re)connects to the broker, it asks for the pending notifications to be
    queued again at once: what was written while Redis was away (its messages never reached the
    broker) and what a Redis that restarted empty has forgotten go out within seconds of the broker's
    return, without a restart and without waiting for the sweeper's five minutes. Anything queued
    twice is sent once (each delivery is claimed before it is sent)."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        try:
            consumer.app.send_task(
                "notifications.requeue_stale",
                kwargs={"older_than_seconds": 0},
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
            )
        except Exception:  # the broker went away again; the next connection asks again
            logger.warning("Could not ask for the pending notifications to be queued again", exc_info=True)


app.steps["consumer"].add(RequeueOnConnect)
