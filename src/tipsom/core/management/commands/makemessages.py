"""Django's makemessages, also reading `_lazy(...)`: modules that need both gettext and gettext_lazy import the lazy
one as `_lazy`, and their strings must reach the catalogues too."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
