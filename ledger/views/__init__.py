"""Views of the ledger app: the public ledger (public.py), a household's own page (household.py)
and the treasurer's QR sticker sheet (stickers.py)."""
