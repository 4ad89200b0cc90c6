from sqlalchemy import Engine, inspect

from tandem.storage.schema import metadata


def test_that_migrations_create_every_declared_table(engine: Engine) -> None:
    existing = set(inspect(engine).get_table_names())
    assert {table.name for table in metadata.sorted_tables} <= existing
