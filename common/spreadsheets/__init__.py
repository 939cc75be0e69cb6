"""The one reader of the spreadsheets communes, associations and operators send.

- `reader`: `read_table`, a file to a `Table` of `Row`s (.xlsx, .xls, .ods, .csv); `table`: what it returns;
- `import_limits`: the errors found in the rows, bounded; `marked_up`: the sheet back with the wrong cells in red;
- `sheet_extent`, `xls_extent`: a sheet measured from its bytes before any parser allocates it;
- `csv_encoding`, `legacy_encoding`, `legacy_tables`: UTF-16, Windows-1258 and the TCVN3/VNI fonts to Unicode.
"""
