"""Register pages. Permissions:

- The list, detail and export need `households.view_register` (Bendahara and Pokja). Petugas hold
  `view_household` for the nightly sheet, but the register shows phone numbers and private codes, so it
  has its own permission that Petugas lack.
- Every write needs the matching add/change/delete permission (Bendahara only).
"""
