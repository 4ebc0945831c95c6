"""Test settings: the real settings, with a throwaway data directory and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("FAIRHEARING_DATA_DIR", tempfile.mkdtemp(prefix="fairhearing-test-"))

from fairhearing.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests create many users and are not what it protects.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise serves STATIC_ROOT; tests never run collectstatic, so give it an empty directory to watch.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# On SQLite the tests use a database file, as fairhearing itself does, not the in-memory database Django would pick:
# threads in a test that write at once then queue on the file's lock as two server processes would, where a shared
# in-memory database refuses the second writer outright ("database table is locked").
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["FAIRHEARING_DATA_DIR"], "test.sqlite3")}  # noqa: F405
