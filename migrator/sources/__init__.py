"""Turning a file's bytes into documents the rules read, and edited documents back into bytes.

Each file kind has one reader module here. A reader takes the raw bytes and
returns a :class:`~migrator.sources.base.Document`: the decoded text of each
part (the whole file, or one notebook cell), the findings in it, and a way to
render the file again after text edits.
"""
