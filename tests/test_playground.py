"""Tests of `tailor playground`'s API on the fake backend: the columns' events, the approval before any write,
and bad input refused with a 4xx JSON error while the server keeps serving. (The page in a real browser, on
the real model: tests/test_playground_browser.py.)"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from agent_cases import bookings

from playground.context import Context
from playground.server import create_app
from tailor.cli import main

FRIDGE = {"fridge": "eggs, spinach, feta", "max_minutes": 20}
DAY = (dt.date.today() + dt.timedelta(days=7)).isoformat()  # bookings open 90 days ahead
BOOK = f"Book a table for 3 at Casa Lupo on {DAY} at 20:00"
CALL = ("book_table", {"restaurant": "Casa Lupo", "party_size": 3, "date": DAY, "time": "20:00"})


@pytest.fixture
def client(fake, db_path):
    from fastapi.testclient import TestClient

    ctx = Context(backend="fake", build=lambda name, **options: fake)
    ctx.kept["db_path"] = db_path
    with TestClient(create_app(ctx)) as test_client:
        yield test_client


def events(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def of(seen: list[dict], kind: str, column: str | None = None) -> list[dict]:
    return [e for e in seen if e["type"] == kind and (column is None or e.get("column") == column)]


# -- bad input: a clear 4xx JSON error, and the server keeps serving -------------------------------------
@pytest.mark.parametrize("tab, body, status, words", [
    ("kb", {"question": ""}, 400, "empty"),
    ("kb", {"question": "   "}, 400, "empty"),
    ("kb", {}, 400, "missing"),
    ("kb", {"question": 42}, 400, "must be text, got a number"),
    ("kb", {"question": ["a"]}, 400, "must be text, got a list"),
    ("kb", {"question": "x" * 100_000}, 413, "over 16,384 bytes"),
    ("kb", {"question": "x" * 5000}, 400, "the limit is 1,000"),
    ("fridge", {"fridge": "eggs", "servings": "two"}, 400, "\"servings\" must be a whole number"),
    ("fridge", {"fridge": "eggs", "diet": "carnivore"}, 400, "diet"),
    ("fridge", {"fridge": True}, 400, "must be text, got true/false"),
    ("booking", {"message": None}, 400, "missing"),
    ("booking", {"message": "hi", "session": "../../etc"}, 400, "session"),
    ("table", {"data": "wine", "row": [1, 2]}, 400, "\"row\" must be an object"),
    ("table", {"data": "iris", "row": {}}, 400, "must be one of wine"),
    ("table", {"data": "wine", "row": {"alcohol": 13}}, 400, "missing: malic_acid"),
    ("idea", {"idea": ""}, 400, "empty"),
    ("idea", {"idea": "x " * 400}, 400, "limit is 600"),
    ("nope", {}, 404, "no tab 'nope'"),
])
def test_bad_input_is_a_4xx_json_error_and_the_server_keeps_serving(client, tab, body, status, words):
    response = client.post(f"/api/{tab}", content=json.dumps(body))
    assert response.status_code == status
    error = response.json()["error"]
    assert words in error["message"] and error["type"] == "invalid_request_error"
    assert client.get("/api/health").json()["status"] == "ok"


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_400(client, content):
    response = client.post("/api/kb", content=content)
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


def test_a_wrong_type_in_one_table_cell_names_the_cell(client):
    row = client.get("/api/table/sample?data=wine").json()["row"]
    response = client.post("/api/table", json={"data": "wine", "row": {**row, "alcohol": "strong"}})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "\"row.alcohol\" must be a number, got text"


# -- the page ----------------------------------------------------------------------------------------------
def test_the_page_is_one_self_contained_file_that_asks_for_nothing_outside(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "connect-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert "http://" not in page and "https://" not in page and "<link" not in page and "src=" not in page
    for tab in ("kb", "fridge", "booking", "table", "idea"):
        assert f'data-tab="{tab}"' in page


# -- the columns side by side -----------------------------------------------------------------------------
def test_fridge_runs_three_techniques_streamed_and_measured(client, fake):
    fake.queue(text="Spinach omelette with feta")
    fake.queue(text="Feta eggs")
    fake.queue(error=__import__("tailor.errors", fromlist=["BackendError"]).BackendError("the server is down"))
    seen = events(client.post("/api/fridge", json=FRIDGE))
    columns = [e["column"] for e in of(seen, "column")]
    assert columns == ["zero-shot", "few-shot", "structured"]
    assert seen[:3] == of(seen, "column")  # laid out before any of them runs
    assert "".join(e["text"] for e in of(seen, "text", "zero-shot")) == "Spinach omelette with feta"
    zero = of(seen, "final", "zero-shot")[0]
    assert zero["checks"]["passed"] is False and zero["checks"]["failures"]["steps"]
    stats = of(seen, "stats", "zero-shot")[0]
    assert stats["calls"] == 1 and stats["completion_tokens"] == 4 and stats["cost"].startswith("$0")
    assert of(seen, "error", "structured")[0]["message"] == "the server is down"  # one column fails, alone
    assert len(of(seen, "stats")) == 3 and seen[-1] == {"type": "end"}


def test_kb_answers_four_ways_with_citations_linking_to_the_whole_passage(client, fake, monkeypatch):
    from finetune_rag import variants
    from playground import kb
    from rag.retrieve import Hit

    passage = "09 Outliers. The upper fence for the croissant sales is 69 croissants. Above it is an outlier."
    hits = [Hit("c1", passage, "09-outliers-and-fences.md", "Fences", 1.0, 0.9)]
    monkeypatch.setattr(kb, "course_store", lambda emit: SimpleNamespace(embed=None))
    monkeypatch.setattr(variants, "retrieve_for", lambda store, question, k=3: hits)
    for _ in range(4):
        fake.queue(text="Great question! The upper fence for the croissant sales is 69 croissants [1].")
    seen = events(client.post("/api/kb", json={"question": "What is the upper fence for the croissant sales?"}))
    assert [e["column"] for e in of(seen, "column")] == ["base", "rag", "ft", "ft+rag"]
    rag = of(seen, "final", "rag")[0]
    assert "69" in rag["text"] and "[1]" in rag["text"]
    assert rag["citations"][0]["source"] == "09-outliers-and-fences.md"
    assert rag["citations"][0]["text"] == passage  # the passage as stored, not only the sentences shown
    base = of(seen, "final", "base")[0]
    assert base["citations"] == [] and base["note"] == "no retrieval, so no sources"
    assert [e["calls"] for e in of(seen, "stats")] == [1, 1, 1, 1]


def test_kb_variant_that_needs_an_adapter_says_so_on_a_backend_without_lora(fake, monkeypatch):
    from fastapi.testclient import TestClient

    from finetune_rag import variants
    from playground import kb

    monkeypatch.setattr(kb, "course_store", lambda emit: SimpleNamespace(embed=None))
    monkeypatch.setattr(variants, "retrieve_for", lambda store, question, k=3: [])
    for _ in range(2):
        fake.queue(text="An answer.")
    ctx = Context(backend="openai", build=lambda name, **options: fake)  # a server: no LoRA adapters
    with TestClient(create_app(ctx)) as client:
        seen = events(client.post("/api/kb", json={"question": "What is a fence?"}))
    assert "needs the local backend" in of(seen, "error", "ft")[0]["message"]
    assert "needs the local backend" in of(seen, "error", "ft+rag")[0]["message"]
    assert of(seen, "final", "base")[0]["text"] == "An answer."  # the other columns still answer


# -- the booking: every tool call shown, and no write before the user's approval ------------------------------
def booking_until_approval(client, fake, db_path) -> tuple[str, list[dict]]:
    for _ in range(2):  # the same call from both columns' agents
        fake.queue(tool_calls=[CALL])
    seen = events(client.post("/api/booking", json={"message": BOOK}))
    session = of(seen, "session")[0]["session"]
    return session, seen


def test_a_booking_waits_for_approval_in_the_page_and_writes_only_after_it(client, fake, db_path):
    session, seen = booking_until_approval(client, fake, db_path)
    errors = {e["column"]: e["message"] for e in of(seen, "error")}
    waiting = [e["column"] for e in of(seen, "approval")]
    # the adapter column runs on the fake backend only if it may load the adapter: it says why not
    assert waiting == ["base"] and "LoRA" in errors["adapter"]
    assert "Casa Lupo" in of(seen, "approval", "base")[0]["preview"]
    assert bookings(db_path) == []  # nothing written yet
    assert client.post("/api/booking/approve", json={"session": session, "column": "base", "approve": "yes"}
                       ).status_code == 400  # wrong type: true or false only

    fake.queue(text=f"Booked: Casa Lupo for 3 on {DAY} at 20:00.")
    after = events(client.post("/api/booking/approve", json={"session": session, "column": "base", "approve": True}))
    assert [b.restaurant for b in bookings(db_path)] == ["Casa Lupo"]
    tool = of(after, "tool", "base")[0]
    assert tool["name"] == "book_table" and tool["arguments"]["party_size"] == 3 and tool["result"]
    assert of(after, "final", "base")[0]["text"].startswith("Booked")
    again = client.post("/api/booking/approve", json={"session": session, "column": "base", "approve": True})
    assert again.status_code == 409  # nothing waits any more: no second write


def test_a_declined_booking_writes_nothing(client, fake, db_path):
    session, _ = booking_until_approval(client, fake, db_path)
    fake.queue(text="All right, I did not book it.")
    after = events(client.post("/api/booking/approve", json={"session": session, "column": "base", "approve": False}))
    assert bookings(db_path) == []
    assert "did not book" in of(after, "final", "base")[0]["text"]


# -- the table row ------------------------------------------------------------------------------------------------
def test_table_row_sets_the_custom_model_beside_the_llm(client, fake):
    sample = client.get("/api/table/sample?data=wine&index=3").json()
    assert len(sample["columns"]) == 13 and sample["truth"].startswith("cultivar_")
    fake.queue(parsed={"label": "cultivar_2"})
    seen = events(client.post("/api/table", json={"data": "wine", "row": sample["row"]}))
    model = of(seen, "final", "model")[0]
    assert model["text"] in {"cultivar_0", "cultivar_1", "cultivar_2"}
    assert abs(sum(model["probabilities"].values()) - 1) < 1e-4
    assert model["held_out"]["model"] > model["held_out"]["baseline"]
    assert of(seen, "final", "llm")[0]["text"] == "cultivar_2"
    assert of(seen, "stats", "model")[0]["calls"] == 0 and of(seen, "stats", "llm")[0]["calls"] == 1


def test_table_sample_refuses_a_bad_index(client):
    assert client.get("/api/table/sample?data=wine&index=-1").status_code == 400
    assert client.get("/api/table/sample?data=iris").status_code == 400


# -- the command --------------------------------------------------------------------------------------------------
def test_the_command_refuses_a_bad_port_in_one_line(capsys):
    assert main(["playground", "--port", "70000"]) == 2
    assert capsys.readouterr().err.strip() == "error: --port must be a whole number from 1 to 65535, got 70000"


def test_binding_beyond_loopback_warns():
    from playground.server import exposure_warning

    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    assert "beyond this machine" in exposure_warning("0.0.0.0")
