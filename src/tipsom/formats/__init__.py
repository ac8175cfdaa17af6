"""tipsom's date formats: one short date and one date-time format per language (settings.FORMAT_MODULE_PATH).

Each language's module sets DATE_FORMAT and SHORT_DATE_FORMAT to the same numeric date, and DATETIME_FORMAT and
SHORT_DATETIME_FORMAT to it with a 24-hour time, so whichever name a template or Python code asks for, a date reads
the same on lists, pages, the PDF letter and the audit screen. Numeric formats (no month names) because Django has
no month names for every language tipsom speaks (Lao); the order follows CLDR's short date of each language, the
year always in four digits. A language without a module here (a deployment's own) gets Django's formats.
"""
