"""The loader: contract checks before anything is written, text landing, idempotent re-loads."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import generate_small_book, query, tiny_rows, write_csv, write_tiny_book

from loyalty.contract import TABLES, table
from loyalty.loader import LoadError, load_book, quote_ident


def raw_count(db: Path, qualified: str, schema: str | None = None) -> int:
    t = table(qualified)
    rows = query(db, f"select count(*) from {quote_ident(schema or t.schema)}.{quote_ident(t.name)}")
    return int(rows[0][0])  # type: ignore[call-overload]


def column_types(db: Path, schema: str, name: str) -> dict[str, str]:
    rows = query(db, "select column_name, data_type from information_schema.columns "
                     "where table_schema = ? and table_name = ? order by ordinal_position", [schema, name])
    return {str(c): str(t) for c, t in rows}


# -- landing -------------------------------------------------------------------------------------

def test_tiny_book_lands_every_contract_table_as_text(tiny_book: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    messages: list[str] = []
    counts = load_book(tiny_book, db, progress=messages.append)
    assert counts == {t.qualified: 2 for t in TABLES}
    assert len(messages) == len(TABLES)
    for t in TABLES:
        types = column_types(db, t.schema, t.name)
        assert list(types) == list(t.columns), t.qualified
        assert set(types.values()) == {"VARCHAR"}, t.qualified
        assert raw_count(db, t.qualified) == 2
    # keyword-named tables and columns are quoted, values arrive as written
    assert query(db, 'select "end", "start" from stripe.subscription_discount order by id') == [
        ("end_1", "start_1"), ("end_2", "start_2")]
    assert query(db, 'select id from salesforce."case" order by id') == [("case_1",), ("case_2",)]


def test_csv_empty_fields_are_null_and_quoting_is_honoured(tiny_book: Path, tmp_path: Path) -> None:
    t = table("stripe.product")
    rows = [{"id": "p1", "name": "Widget, large", "active": "", "_fivetran_synced": '2026-01-01 "x"'},
            {"id": "p2", "name": "", "active": "true", "_fivetran_synced": ""}]
    write_csv(tiny_book / "stripe" / "product.csv", t.columns, rows)
    db = tmp_path / "wh.duckdb"
    load_book(tiny_book, db)
    assert query(db, "select id, name, active, _fivetran_synced from stripe.product order by id") == [
        ("p1", "Widget, large", None, '2026-01-01 "x"'), ("p2", None, "true", None)]


def test_optional_column_absent_from_file_is_added_as_null_text(tiny_book: Path, tmp_path: Path) -> None:
    t = table("segment.tracks")
    columns = [c for c in t.columns if c != "context_ip"]
    write_csv(tiny_book / "segment" / "tracks.csv", columns, tiny_rows(t, 3))
    db = tmp_path / "wh.duckdb"
    assert load_book(tiny_book, db)["segment.tracks"] == 3
    assert list(column_types(db, "segment", "tracks")) == list(t.columns)
    assert column_types(db, "segment", "tracks")["context_ip"] == "VARCHAR"
    assert query(db, "select count(*) from segment.tracks where context_ip is null") == [(3,)]


def test_parquet_is_preferred_over_csv_and_keeps_its_types(tiny_book: Path, tmp_path: Path) -> None:
    t = table("stripe.price")
    arrays = {c: pa.array([f"{c}_{i}" for i in range(3)]) for c in t.columns}
    arrays["unit_amount"] = pa.array([100, 250, 999], type=pa.int64())
    arrays["active"] = pa.array([True, False, True])
    pq.write_table(pa.table(arrays), tiny_book / "stripe" / "price.parquet")
    db = tmp_path / "wh.duckdb"
    assert load_book(tiny_book, db)["stripe.price"] == 3  # the csv beside it has 2 rows
    types = column_types(db, "stripe", "price")
    assert types["unit_amount"] == "BIGINT" and types["active"] == "BOOLEAN" and types["id"] == "VARCHAR"


def test_custom_raw_schema_names(tiny_book: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    mapping = {"salesforce": "sf_raw", "stripe": "stripe_raw", "segment": "seg", "delighted": "delighted"}
    load_book(tiny_book, db, schemas=mapping)
    assert raw_count(db, "salesforce.user", schema="sf_raw") == 2
    assert raw_count(db, "segment.tracks", schema="seg") == 2
    schemas = {r[0] for r in query(db, "select distinct table_schema from information_schema.tables")}
    assert {"sf_raw", "stripe_raw", "seg", "delighted"} <= schemas and "salesforce" not in schemas


def test_generated_book_loads_with_the_counts_written(tmp_path: Path) -> None:
    written = generate_small_book(tmp_path / "book", faults=True, formats=("csv", "parquet"))
    loaded = load_book(tmp_path / "book", tmp_path / "wh.duckdb")
    assert loaded == written


# -- idempotency ---------------------------------------------------------------------------------

def test_loading_twice_replaces_tables_instead_of_appending(tiny_book: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    first = load_book(tiny_book, db)
    second = load_book(tiny_book, db)
    assert first == second
    assert all(raw_count(db, t.qualified) == 2 for t in TABLES)


def test_reload_with_a_different_book_replaces_the_data(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    load_book(write_tiny_book(tmp_path / "three", rows=3), db)
    counts = load_book(write_tiny_book(tmp_path / "one", rows=1, tag="_new"), db)
    assert counts == {t.qualified: 1 for t in TABLES}
    assert query(db, "select id from stripe.customer") == [("customer_1_new",)]


# -- contract errors: name the file and the column(s); nothing is loaded ----------------------

def test_missing_required_column_names_file_and_column(tiny_book: Path, tmp_path: Path) -> None:
    t = table("stripe.invoice")
    path = write_csv(tiny_book / "stripe" / "invoice.csv", [c for c in t.columns if c != "amount_paid"],
                     tiny_rows(t, 2))
    db = tmp_path / "wh.duckdb"
    with pytest.raises(LoadError) as err:
        load_book(tiny_book, db)
    assert str(path) in str(err.value)
    assert "missing required column(s) amount_paid" in str(err.value)
    assert not db.exists()  # checked before anything was opened


def test_unexpected_extra_column_names_file_and_column(tiny_book: Path, tmp_path: Path) -> None:
    t = table("delighted.person")
    path = write_csv(tiny_book / "delighted" / "person.csv", [*t.columns, "shoe_size"], tiny_rows(t, 2))
    with pytest.raises(LoadError) as err:
        load_book(tiny_book, tmp_path / "wh.duckdb")
    assert str(path) in str(err.value)
    assert "unexpected column(s) shoe_size" in str(err.value)


def test_missing_file_names_the_file(tiny_book: Path, tmp_path: Path) -> None:
    (tiny_book / "segment" / "groups.csv").unlink()
    with pytest.raises(LoadError) as err:
        load_book(tiny_book, tmp_path / "wh.duckdb")
    assert str(tiny_book / "segment" / "groups.csv") in str(err.value)
    assert "segment.groups" in str(err.value) and "missing file" in str(err.value)


def test_missing_folder_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="not a folder"):
        load_book(tmp_path / "nope", tmp_path / "wh.duckdb")


def test_unparseable_row_names_file_and_line(tiny_book: Path, tmp_path: Path) -> None:
    path = tiny_book / "salesforce" / "user.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("only,three,fields\n")
    with pytest.raises(LoadError) as err:
        load_book(tiny_book, tmp_path / "wh.duckdb")
    assert str(path) in str(err.value)
    assert "line 4" in str(err.value)  # header + 2 rows, then the broken one


def test_failed_load_leaves_previous_raw_data_untouched(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    load_book(write_tiny_book(tmp_path / "good", rows=2), db)
    bad = write_tiny_book(tmp_path / "bad", rows=5)
    # the last table breaks only when DuckDB reads it, after the others were replaced
    with (bad / "delighted" / "survey_response.csv").open("a", encoding="utf-8") as fh:
        fh.write("too,few\n")
    with pytest.raises(LoadError, match="survey_response.csv"):
        load_book(bad, db)
    assert all(raw_count(db, t.qualified) == 2 for t in TABLES)


def test_schema_mapping_must_cover_every_source(tiny_book: Path, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="schema mapping"):
        load_book(tiny_book, tmp_path / "wh.duckdb", schemas={"salesforce": "salesforce"})
