"""The JSON API under /api/v1/: the same services and access policy as the web, for other systems to call."""
