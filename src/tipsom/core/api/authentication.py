"""API token authentication: knox tokens, stored hashed, with expiry."""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; the schema names it so clients know how to call."""
