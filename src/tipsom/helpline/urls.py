app_name = "helpline"

urlpatterns: list = []
