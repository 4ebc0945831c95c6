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
