"""Search (only this family imports Whoosh and numpy): the full-text index kept
fresh against the notes, the query language, search, spelling and more-like-this; and the
section vectors of semantic search, made with the model shipped in search/model/."""
