"""Case screens: the list and the approvals queue (lists), registration (registration); each case's page is in
the cases.urls.case module."""
