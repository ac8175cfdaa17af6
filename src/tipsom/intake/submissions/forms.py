"""Forms of the field submissions' screens. They parse input; the submissions' services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RejectForm(forms.Form):
    # The service checks the reason (required, the text rule): the form only carries it.
    reason = forms.CharField(
        label=_("Why is this submission rejected?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. For example: a test, a duplicate of another submission, not a presumed victim."),
    )


class SubmissionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export of the field submissions"),
        help_text=_(
            "The submissions of tipsom's identification form as ODK Central, ODK Briefcase or KoboToolbox export "
            "them: CSV, Excel workbook (.xlsx) or JSON."
        ),
        allow_empty_file=True,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check every submission and show what would be imported, without importing anything"),
        required=False,
        initial=False,
    )
