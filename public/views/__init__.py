"""The pages for residents: the public ledger (home.py) and a household's own QR page (household.py)."""
