"""Field submissions of tipsom's identification form: a row of an export of ODK Central, ODK Briefcase or
KoboToolbox (CSV, XLSX, JSON) or a record pulled from their APIs, read as the form's answers (answers.py), turned
into the draft registration an identifier reviews (draft.py), imported by the import engine's handler
(handler.py); an encrypted submission is opened with the deployment's form key (encrypted.py)."""
