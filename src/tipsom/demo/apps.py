from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tipsom.demo"
    label = "demo"
    verbose_name = "Demo data"
