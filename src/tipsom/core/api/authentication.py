"""API token authentication: knox tokens, stored hashed, with expiry."""

from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; the schema names it so clients know how to call."""

    def _cleanup_token(self, auth_token: Any) -> bool:
        """Refuse (and delete) the token presented if it has expired. knox also loads and sweeps every other token
        of the user on every request, a query and a loop that cost 2-9 % of an API request (issue 10): an expired
        token is refused whenever it is presented, so it is deleted then, not on someone else's request."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False
