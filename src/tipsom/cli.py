"""The `tipsom` command: Django's management commands with tipsom's settings (`tipsom demo`, `tipsom serve`,
`tipsom createuser`, `tipsom audit verify`, `tipsom keys rotate`, `tipsom migrate`, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tipsom", *sys.argv[1:]])


if __name__ == "__main__":
    main()
