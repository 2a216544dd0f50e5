"""Storage: the only package that contains SQL. sqlite-utils over one SQLite file."""
