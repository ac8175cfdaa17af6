"""Forms of the case screens: registration (registration.py) and the case page's actions (case.py)."""
