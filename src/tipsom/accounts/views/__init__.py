"""Views of accounts: signing in and one's own account (auth), and user administration (users)."""
