import os

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
