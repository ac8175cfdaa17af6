from django.urls import path

from tipsom.accounts.views import auth, users

app_name = "accounts"
urlpatterns = [
    # Signing in and one's own account (accounts/views/auth.py)
    path("login/", auth.login_view, name="login"),
    path("login/verify/", auth.login_verify_view, name="login_verify"),
    path("login/enrol/", auth.login_enrol_view, name="login_enrol"),
    path("logout/", auth.logout_view, name="logout"),
    path("me/", auth.profile_view, name="profile"),
    path("me/password/", auth.password_change_view, name="password_change"),
    path("me/tokens/", auth.token_create_view, name="token_create"),
    path("me/tokens/<str:token_key>/revoke/", auth.token_revoke_view, name="token_revoke"),
    # Administration of users (accounts/views/users.py)
    path("users/", users.user_list_view, name="user_list"),
    path("users/new/", users.user_create_view, name="user_create"),
    path("users/<int:pk>/", users.user_detail_view, name="user_detail"),
    path("users/<int:pk>/edit/", users.user_edit_view, name="user_edit"),
    path("users/<int:pk>/reset-2fa/", users.user_reset_2fa_view, name="user_reset_2fa"),
    path("users/<int:pk>/reveal/", users.user_reveal_view, name="user_reveal"),
    path("roles/", users.role_list_view, name="role_list"),
]
