import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apdash.settings")

app = Celery("apdash")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="apdash.ping")
def ping(value):
    """A trivial task the integration tests use to prove a real worker answers."""
    return {"pong": value}
