"""Test settings: the real settings, with a throwaway data directory and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("FAIRHEARING_DATA_DIR", tempfile.mkdtemp(prefix="fairhearing-test-"))

from fairhearing.settings import *  # noqa: E402, F403

# Argon2 is deliberately slow; tests create many users and are not what it protects.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
