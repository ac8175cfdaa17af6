"""Forms of the account screens: signing in and one's own account (auth.py), and the user administration
(users.py)."""
