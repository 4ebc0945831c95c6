"""Reading spreadsheets people export (CSV in any common dialect and encoding, XLSX) and reporting, row by row and
column by column, what is wrong with them. Pure Python: no Django, so it is tested without a database."""
