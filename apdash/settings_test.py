"""Test settings: the main settings, with fast hashing, in-memory email and eager Celery
(tests that need a real worker switch it off themselves)."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
# Each test process de-duplicates its own re-checks (parallel test databases share ids).
CACHES = {
    **CACHES,  # noqa: F405
    "checks": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "checks"},
}
# The test runner empties tables between transactional tests with TRUNCATE, which the audit and
# chronology tables refuse unless the session opts in (apdash.db.refuse_truncate).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c apdash.allow_truncate=on".strip()
