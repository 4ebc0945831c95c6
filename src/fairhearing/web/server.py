"""Run the WSGI application under gunicorn, configured from Python rather than a config file."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from fairhearing.wsgi import application

        return application


def run_server(*, host: str, port: int, workers: int = 2, threads: int = 4) -> None:
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
        }
    ).run()
