"""The treasurer's books pages: tutup buku, reopening and corrections (closing.py)."""
