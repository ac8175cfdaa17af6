"""Helpline screens: contacts and the queue (contacts.py), opening a case from a contact (case_open.py), the case
page's Contacts tab (case_tab.py)."""
