from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tipsom.core"
    label = "core"
    verbose_name = "Core"
