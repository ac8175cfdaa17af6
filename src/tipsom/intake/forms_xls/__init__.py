"""tipsom's identification form for ODK Collect and KoboToolbox: its questions (questions.py), the XLSForm built
from them for a country (build.py), and the RSA key pair the phones encrypt submissions to (keys.py)."""
