"""The base layer: code every app shares and no app owns.

Reading spreadsheets, folding and cleaning text, parsing the values people
type (dates, numbers, phone numbers), bulk inserts with history, the scoped
queryset. It sits below every app in the import order and imports none of
them (tests/test_architecture.py).
"""
