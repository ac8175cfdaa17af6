"""Case screens: the list and the approvals queue (lists), registration (registration); each case's page is in
the case_urls module."""
