"""Forms of the transnational bundles: how long an exported bundle stays valid, and the upload of one received."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.referrals.bundles import MAX_BUNDLE_BYTES
from tipsom.referrals.services.bundle import VALID_DAYS_MAX


class BundleExportForm(forms.Form):
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=VALID_DAYS_MAX,
        initial=14,
        help_text=_("The other country must import the bundle before then; export it again for a new one."),
    )


class BundleImportForm(forms.Form):
    bundle = forms.FileField(
        label=_("Referral bundle"),
        help_text=_("The .tipsom-bundle file another country's tipsom exported for this country."),
    )

    def clean_bundle(self) -> bytes:
        upload = self.cleaned_data["bundle"]
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(
                _("This file is larger than a referral bundle can be (%(limit)s MiB)."),
                params={"limit": MAX_BUNDLE_BYTES // (1024 * 1024)},
            )
        return upload.read()
