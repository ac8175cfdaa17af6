"""Case endpoints: the case list and register, one case, and its parts as sub-resources under /cases/{id}/, all
in one viewset (CaseViewSet, case.py) made of the case's own views, the work on it (work.py) and the child track
(child.py), on the helpers of base.py.

Thin on purpose: serializers check shapes, cases.services decide, write and audit; reads are narrowed to the
user's scope. Identifying free text is masked unless revealed with a reason (see cases.api.serializers)."""

from tipsom.cases.api.views.case import CaseViewSet

__all__ = ["CaseViewSet"]
