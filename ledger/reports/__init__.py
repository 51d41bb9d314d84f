"""The monthly report in every format. All figures come from `ledger.reports.data`, which is built on
`ledger.selectors`, so that each format shows the cash book's numbers."""
