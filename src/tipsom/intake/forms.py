"""Forms of the import screens. They parse input; tipsom.intake.jobs and services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.intake.models import ImportJob, RegisterSource
from tipsom.intake.registers import CODE, CODES, FIELDS, YESNO


class UploadForm(forms.Form):
    """A register's file to import: which register it comes from (or a new one), the mode, a dry run."""

    source = forms.ModelChoiceField(
        label=_("Register"),
        queryset=RegisterSource.objects.none(),
        required=False,
        empty_label=_("A new register"),
        help_text=_("A register imported before keeps its column mapping."),
    )
    new_source = forms.CharField(
        label=_("Name of the new register"),
        max_length=120,
        required=False,
        help_text=_("For example: Shelter register 2015-2020."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, Excel workbook (.xlsx) or JSON. The first row holds the column headings."),
        allow_empty_file=True,
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_("For a workbook: leave empty for the first sheet."),
    )
    mode = forms.ChoiceField(
        label=_("Rows with errors"),
        choices=[
            (ImportJob.Mode.VALID_ONLY, _("Import the valid rows; list the others")),
            (ImportJob.Mode.ALL_OR_NOTHING, _("Import nothing unless every row is valid")),
        ],
        initial=ImportJob.Mode.VALID_ONLY,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check every row and show what would be created, without creating anything"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ModelChoiceField)  # noqa: S101 (declared above)
        source_field.queryset = sources

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("source") and not (data.get("new_source") or "").strip():
            self.add_error("new_source", _("Choose a register or name a new one."))
        return data


def value_lines(value_mappings: dict[str, dict[str, str]]) -> str:
    """The source's value mappings as lines "field: value = code" (an empty value: the code of an empty cell)."""
    return "\n".join(
        f"{field}: {value} = {code}" for field, pairs in sorted(value_mappings.items()) for value, code in pairs.items()
    )


class MappingForm(forms.Form):
    """For each field of the registration, the column of the file that fills it; and the values of the file that
    stand for codes."""

    values = forms.CharField(
        label=_("Values of the file that stand for codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        help_text=_(
            'One per line, "field: value = code", for example "gender: F = Feminine". An empty value gives the code '
            'of empty cells: "case_type: = tip".'
        ),
    )

    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((heading, heading) for heading in headers)]
        self.coded = [field.name for field in FIELDS if field.kind in (CODE, CODES, YESNO)]
        for field in FIELDS:
            self.fields[f"column_{field.name}"] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=False,
                initial=initial_mapping.get(field.name, ""),
                help_text=_("Required") if field.required else "",
            )
        self.order_fields([f"column_{field.name}" for field in FIELDS] + ["values"])

    def mapping(self) -> dict[str, str]:
        return {
            field.name: self.cleaned_data[f"column_{field.name}"]
            for field in FIELDS
            if self.cleaned_data.get(f"column_{field.name}")
        }

    def clean_values(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for number, line in enumerate((self.cleaned_data.get("values") or "").splitlines(), start=1):
            if not line.strip():
                continue
            field, colon, rest = line.partition(":")
            value, equals, code = rest.partition("=")
            if not colon or not equals or field.strip() not in self.coded:
                raise forms.ValidationError(
                    _('Line %(number)d: write "field: value = code" with a field that takes codes (%(fields)s).')
                    % {"number": number, "fields": ", ".join(self.coded)}
                )
            found.setdefault(field.strip(), {})[value.strip()] = code.strip()
        return found
