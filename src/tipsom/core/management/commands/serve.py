"""`tipsom serve`: serve tipsom with gunicorn (static files through WhiteNoise), and beside it a worker of the
background tasks (imports, exports) unless `--no-worker` says that one runs elsewhere (`tipsom db_worker`)."""

import atexit
import subprocess
import sys
from typing import Any

from django.core.management.base import CommandParser
from gunicorn.app.base import BaseApplication

from tipsom.core.management.base import TipsomCommand


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from tipsom.wsgi import application

        return application


class Command(TipsomCommand):
    help = "Serve tipsom over HTTP with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-worker", action="store_true", help="Do not start a background task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_worker"]:
            worker = subprocess.Popen(  # noqa: S603 (our own command, no shell)
                [sys.executable, "-m", "tipsom.cli", "db_worker", "--interval", "1", "--no-startup-delay"]
            )
            atexit.register(worker.terminate)
        self.stdout.write(f"tipsom is serving on http://{options['bind']}/ (Ctrl+C stops it)")
        _Server(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "accesslog": None,
                "timeout": 60,
                "limit_request_line": 8190,
            }
        ).run()
