"""The calls repository: the published years of the call and the drafts of the next ones,
kept in a git repository so that each save is a commit by the person who made it.

`repository.CallsRepository` is the library the HTTP operations and pages use; git itself
is dulwich (pure Python, the `service` extra), imported only by `store` and `history`.
"""
