"""Forms of the referral screens: referrals and transfers (referral.py), the service directory (directory.py) and
transnational bundles (bundle.py)."""
