"""`vault mv`: plan (pure), rewrite (one note's text), apply (the transaction)."""
