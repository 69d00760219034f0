"""Pure core of reviewer: no Textual, no rich."""
