"""Full-text search with Whoosh (only this family imports it): the schema, the index kept
fresh against the notes, the query language, search, spelling and more-like-this."""
