import os
from contextlib import contextmanager

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apdash.settings")

app = Celery("apdash")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="apdash.ping", bind=True)
def ping(self, value):
    """A trivial task the integration tests use to prove a real worker answers: it says which
    worker ran it."""
    return {"pong": value, "worker": self.request.hostname}


@contextmanager
def sending_to(broker: str, **settings):
    """Within the block this process sends tasks to a real broker instead of running them
    eagerly (the tests' and the benchmark's real workers); `settings` are further CELERY_ keys,
    e.g. CELERY_TASK_DEFAULT_QUEUE."""
    # The app reads Django settings under the CELERY_ namespace, so only the namespaced keys
    # really switch eager mode off and point the producer at the broker.
    switched = {
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        **settings,
    }
    previous = {key: app.conf.get(key) for key in switched}
    app.conf.update(switched)
    # The result backend and the producer's connection are cached on first use.
    app.__dict__.pop("backend", None)
    app.__dict__.pop("amqp", None)
    try:
        yield
    finally:
        app.conf.update(previous)
        app.__dict__.pop("backend", None)
        app.__dict__.pop("amqp", None)
