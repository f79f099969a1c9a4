"""finetune_rag unit tests on the fake backend: the variants' prompts and adapters, the shared retrieval,
the RAFT-style builder, scoring, the finding, and the CLI's bad-input messages. No model is loaded."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from finetune_rag import evaluate, raft, report, scoring
from finetune_rag import variants as v
from finetune_rag.course import load_questions, raft_questions_path, raft_train_path, read_jsonl
from finetune_rag.prompts import GROUNDING, TUTOR_SYSTEM
from rag.retrieve import Hit
from tailor.errors import UsageError

QUESTION = "What is the upper fence for the croissant sales?"


def hits():
    return [Hit(f"id{n}", f"passage text number {n} with fact F{n}", f"course/0{n}-section.md", f"Heading {n}",
                1.0 / n, 0.5) for n in (1, 2, 3)]


def blocks(user: str) -> list[str]:
    """The texts of rag/'s numbered data block, in the order it numbers them."""
    return [t.strip() for t in re.findall(r'Text \[\d+\][^\n]*:\n"""\n(.*?)\n"""', user, re.DOTALL)]


def test_the_gate_abstains_without_generating_when_nothing_supports_an_answer(fake):
    from finetune_rag.prompts import ABSTAIN_REPLY

    chosen = v.variant("ft+rag")
    weak = v.prepare("Who won the 1998 chess final?", chosen, hits())  # shares no word with the passages
    assert weak.abstain and weak.support < v.ABSTAIN_SUPPORT
    strong = v.prepare("Which passage text has fact F2?", chosen, hits(), abstain=False)
    fake.queue(text="Great question! Passage text number 2 has fact F2 [1]. Is that clear?")
    results = v.generate(fake, [weak, strong])
    assert len(fake.requests) == 1  # only the supported question reached the model
    assert results[0].text == ABSTAIN_REPLY and scoring.abstains(results[0].text)
    assert "F2" in results[1].text


def test_selection_shows_the_best_sentences_under_their_passage_numbers():
    long = Hit("l", "The median is 42. The mean of the croissant sales is 44.57. Bakeries open early.",
               "course/05-mean.md", "Mean", 1.0)
    chosen = v.select("What is the mean of the croissant sales?", [hits()[0], long], limit=2)
    assert chosen.shown[0].source == "course/05-mean.md"  # the passage of the best sentence comes first
    assert chosen.shown[0].text.startswith("The mean of the croissant sales is 44.57.")
    assert sum(len(h.text.splitlines()) for h in chosen.shown) == 2


def finished_run(name: str):
    """A completed run folder as finetuning/ leaves it (run card written, `latest` switched)."""
    from tailor.runfiles import RUN_CARD, mark_latest, new_run_dir

    run = new_run_dir(name)
    (run / RUN_CARD).write_text("{}")
    mark_latest(run, name)
    return run


# -- each variant's prompt holds exactly what it should --------------------------------------------------
@pytest.mark.parametrize("name", list(v.VARIANTS))
def test_each_variant_prompt_holds_context_only_when_it_retrieves(name, fake):
    chosen = v.variant(name)
    ready = v.prepare(QUESTION, chosen, hits() if chosen.retrieval else None, abstain=False)
    fake.queue(text="Great question! The upper fence is 69 [1]. Why?")
    v.generate(fake, [ready])
    sent = fake.requests[-1].messages
    system, user = sent[0]["content"], sent[-1]["content"]
    assert [m["role"] for m in sent] == ["system", "user"]
    assert system.startswith(TUTOR_SYSTEM)
    assert QUESTION in user
    texts = [h.text for h in hits()]
    if chosen.retrieval:
        assert GROUNDING in system
        # rag/'s numbered data block of the best sentences, numbered as ready.hits (the citations' numbers)
        assert len(ready.hits) == 3 and blocks(user) == [h.text for h in ready.hits]
        assert sorted(h.text for h in ready.hits) == sorted(texts)
    else:
        assert system == TUTOR_SYSTEM and user == QUESTION
        assert not any(t in user for t in texts)


def test_each_variant_loads_exactly_its_adapter():
    tutor, course = finished_run("tutor"), finished_run("course")
    expected = {"base": None, "rag": None, "ft": tutor, "ft+rag/tutor": tutor, "ft+rag": course}
    for name, adapter in expected.items():
        options = v.backend_options(v.variant(name), "local")
        assert options["adapter"] == adapter, name


def test_a_missing_adapter_names_the_command_that_trains_it(no_shipped_adapters):
    with pytest.raises(UsageError, match="tailor course train"):
        v.backend_options(v.variant("ft+rag"), "local")
    with pytest.raises(UsageError, match="tailor tutor train"):
        v.backend_options(v.variant("ft"), "local")
    with pytest.raises(UsageError, match="local backend"):
        v.backend_options(v.variant("ft"), "openai")
    assert v.backend_options(v.variant("rag"), "openai")["model"] is None


def test_evaluation_retrieves_once_per_question_and_shares_the_passages(monkeypatch, fake):
    questions = load_questions()[:2] + [q for q in load_questions() if not q["answerable"]][:1]
    calls = []
    monkeypatch.setattr(evaluate, "load_questions", lambda: questions)
    monkeypatch.setattr(v, "open_course_store", lambda: SimpleNamespace(embed=None))
    monkeypatch.setattr(v, "retrieve_for", lambda store, q, k: calls.append(q) or hits())
    monkeypatch.setattr(v, "ABSTAIN_SUPPORT", -1.0)  # the fake passages share no words: let all through
    monkeypatch.setattr(v, "backend_for", lambda chosen, args: fake)
    for _ in range(len(v.VARIANTS) * len(questions)):
        fake.queue(text="Great question! The passage text number 1 has fact F1 [1]. Does that help?")
    args = evaluate.parser().parse_args(["--backend", "fake"])
    document = evaluate.evaluate(args)
    assert calls == [q["question"] for q in questions]  # one retrieval per question, not per variant
    prompts = {}
    for index, name in enumerate(v.VARIANTS):
        prompts[name] = [r.messages for r in fake.requests[index * 3:(index + 1) * 3]]
    assert prompts["rag"] == prompts["ft+rag"] == prompts["ft+rag/tutor"]
    assert prompts["base"] == prompts["ft"] != prompts["rag"]
    numbers = document["variants"]["rag"]
    assert numbers["voice_compliance"] == 1.0 and numbers["abstention"] == 0.0
    assert document["variants"]["base"]["citation_correctness"] is None  # no passages, nothing to cite


def test_a_subsets_gate_threshold_is_chosen_on_the_questions_it_left_out():
    questions = [{"id": "a", "answerable": True}, {"id": "b", "answerable": False}]
    chosen = {"a": SimpleNamespace(support=0.5), "b": SimpleNamespace(support=0.3)}
    held_out = [(0.9, True), (0.8, True), (0.6, False), (0.55, False)]
    gate, calibration = evaluate.abstain_gate(questions, chosen, held_out)
    assert calibration["threshold"] == pytest.approx(0.7)  # between 0.6 and 0.8: the subset's 0.5 / 0.3 unused
    assert gate == {"a": True, "b": True} and "4 questions outside the subset" in calibration["method"]
    _, one_kind = evaluate.abstain_gate(questions, chosen, [(0.9, True), (0.8, True)])
    assert "outside" not in one_kind["method"]  # nothing to balance: the subset's own calibration path


def test_evaluating_a_subset_ranks_the_other_questions_but_asks_only_the_subset(monkeypatch, fake):
    questions = [q for q in load_questions() if q["answerable"]][:4] + [q for q in load_questions()
                                                                         if not q["answerable"]][:2]
    calls = []
    monkeypatch.setattr(evaluate, "load_questions", lambda: questions)
    monkeypatch.setattr(v, "open_course_store", lambda: SimpleNamespace(embed=None))
    monkeypatch.setattr(v, "retrieve_for", lambda store, q, k: calls.append(q) or hits())
    monkeypatch.setattr(v, "backend_for", lambda chosen, args: fake)
    for _ in range(2):
        fake.queue(text="Great question! The passage text number 1 has fact F1 [1]. Does that help?")
    document = evaluate.evaluate(evaluate.parser().parse_args(["--backend", "fake", "--limit", "2",
                                                               "--variants", "rag"]))
    asked = [q["question"] for q in evaluate.subset(questions, 2)]
    assert document["items"] == 2 and sorted(calls) == sorted(q["question"] for q in questions)
    assert len(fake.requests) == 2 and all(r.messages[-1]["content"].endswith(tuple(asked)) for r in fake.requests)
    assert "4 questions outside the subset" in document["abstention_calibration"]["method"]


# -- the RAFT-style training set ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built():
    items = read_jsonl(raft_questions_path())
    return items, raft.build(items, raft.course_passages())


@pytest.fixture(scope="module")
def passages():
    return raft.course_passages()


def shown(user: str, passages: list) -> list:
    """The course passages a prompt shows (by their best sentences), in the order it numbers them."""
    def origin(text):
        return next(p for p in passages if all(line in p.text for line in text.splitlines()))
    return [origin(text) for text in blocks(user)]


def test_raft_puts_the_right_section_among_distractors_and_cites_it(built, passages):
    items, records = built
    by_question = {i["question"]: i for i in items}
    answerable = [r for r in records if r["oracle"] is not None]
    assert len(answerable) == sum(1 for i in items if i["section"])
    assert len({r["oracle"] for r in answerable}) >= 2  # the right passage's number moves around
    for rec in answerable:
        item = by_question[rec["question"]]
        docs = shown(rec["messages"][1]["content"], passages)
        assert 1 <= len(docs) <= raft.PASSAGES  # the passages with one of the best sentences
        sections = [raft.section_of(p) for p in docs]
        assert sections[rec["oracle"] - 1] == item["section"]
        assert sections.count(item["section"]) == 1  # the others are distractors from other sections
        assert scoring.cited(rec["messages"][-1]["content"]) == [rec["oracle"]]


def test_raft_never_leaks_the_answer_outside_the_context(built, passages):
    items, records = built
    by_question = {i["question"]: i for i in items}
    for rec in records:
        item = by_question[rec["question"]]
        system, user, reply = (m["content"] for m in rec["messages"])
        if rec["oracle"] is None:
            assert reply.startswith("Great question! " + scoring.ABSTAIN_SENTENCE)
            assert item["section"] is None or item["section"] not in user  # its section is not shown
            continue
        oracle_text = blocks(user)[rec["oracle"] - 1]  # only the sentences the prompt shows
        assert scoring.has_facts(oracle_text, item["facts"])
        for fact in item["facts"]:
            assert scoring.normalize(fact) not in scoring.normalize(system + rec["question"])
        for number in re.findall(r"\d+(?:[.,]\d+)*", reply.replace("[" + str(rec["oracle"]) + "]", "")):
            assert number in oracle_text


def test_raft_refuses_an_item_whose_answer_is_not_in_its_section():
    leaking = {"section": "05-mean-and-median.md", "question": "What is the mean commute?",
               "answer": "It is 34.2 minutes.", "facts": ["34.2"]}
    with pytest.raises(ValueError, match="not in one passage"):
        raft.build([leaking], raft.course_passages())


def test_raft_answers_follow_the_voice_and_abstention_targets_are_a_switch(built):
    from finetuning.voice import complies

    items, records = built
    assert all(complies(r["question"], r["messages"][-1]["content"]) for r in records)
    assert all(r["oracle"] is not None for r in records)  # the gate abstains, not the adapter (ABSTENTION_TARGETS)
    with_abstentions = raft.build(items, raft.course_passages(), abstentions=True)
    abstaining = [r for r in with_abstentions if r["oracle"] is None]
    assert 0.1 < len(abstaining) / len(with_abstentions) < 0.3
    assert all(r["messages"][-1]["content"].startswith("Great question! " + scoring.ABSTAIN_SENTENCE)
               for r in abstaining)
    # the switch adds abstention targets and changes nothing else
    assert [r for r in with_abstentions if r["oracle"] is not None] == records


def test_training_questions_are_not_the_evaluation_questions(built):
    items, _ = built
    held_out = {q["question"].lower() for q in load_questions()}
    assert not held_out & {i["question"].lower() for i in items}


def test_the_committed_raft_set_is_what_the_builder_makes(built):
    _, records = built
    committed = read_jsonl(raft_train_path())
    assert [(r["question"], r["messages"][-1]["content"]) for r in committed] == \
           [(r["question"], r["messages"][-1]["content"]) for r in records]


# -- data ---------------------------------------------------------------------------------------------------
def test_the_course_and_questions_are_consistent():
    from finetune_rag.course import notes_folder

    sections = {p.name: p.read_text() for p in notes_folder().glob("*.md")}
    questions = load_questions()
    assert len(sections) >= 25 and len(questions) >= 60
    assert sum(not q["answerable"] for q in questions) >= 10
    for q in questions:
        for source in q["sources"]:
            assert scoring.has_facts(sections[source], q["facts"]), q["id"]


# -- scoring and the finding --------------------------------------------------------------------------------
def test_scoring_facts_citations_and_abstention():
    assert scoring.has_facts("Divide by n-1 always.", ["n - 1"])
    assert not scoring.has_facts("Divide by n.", ["n - 1"])
    srcs = ["course/09-outliers-and-fences.md", "course/05-mean-and-median.md"]
    assert scoring.citation_correct("The fence is 69 [1].", srcs, ["09-outliers-and-fences.md"])
    assert not scoring.citation_correct("The fence is 69 [2].", srcs, ["09-outliers-and-fences.md"])
    assert not scoring.citation_correct("The fence is 69 [7].", srcs, ["09-outliers-and-fences.md"])
    assert not scoring.citation_correct("The fence is 69.", srcs, ["09-outliers-and-fences.md"])
    assert scoring.abstains("Great question! The course notes do not cover that. Anything else?")
    assert not scoring.abstains("Great question! The median is 42 [1]. Can you see why?")


def variant_numbers(correct: float, tone: float) -> dict:
    return {"correctness": correct, "voice_compliance": tone}


def test_the_finding_is_said_plainly_either_way():
    expected = {"base": variant_numbers(0.1, 0.0), "ft": variant_numbers(0.1, 0.8),
                "rag": variant_numbers(0.5, 0.05), "ft+rag": variant_numbers(0.5, 0.8)}
    verdict = report.finding(expected)
    assert verdict["holds"] is True and verdict["summary"].startswith("The expected finding holds.")
    expected["ft+rag"] = variant_numbers(0.1, 0.8)  # the grounded tutor lost the facts
    verdict = report.finding(expected)
    assert verdict["holds"] is False and "does NOT hold: the grounded adapter" in verdict["summary"]


# -- the CLI ------------------------------------------------------------------------------------------------
def run_cli(*argv):
    from tailor.cli import main

    return main(["course", *argv])


def test_asking_before_ingest_or_training_names_the_command(capsys, no_shipped_adapters):
    assert run_cli("ask", "What is the Rule of 40?", "--backend", "fake") == 2
    assert "run `tailor course ingest` first" in capsys.readouterr().err
    assert run_cli("ask", "What is the Rule of 40?", "--variant", "ft", "--backend", "local") == 2
    assert "run `tailor tutor train` first" in capsys.readouterr().err
    assert run_cli("ask", "   ", "--variant", "base", "--backend", "fake") == 2
    assert "empty" in capsys.readouterr().err


def test_ask_closed_book_on_the_fake_backend_prints_the_answer(capsys, monkeypatch):
    from tailor.backends.fake import FakeBackend

    fake = FakeBackend(replies=["Great question! Rule of 40 means n of 40 or more. Can you say why?"])
    monkeypatch.setattr(v, "backend_for", lambda chosen, args: fake)
    assert run_cli("ask", "What is the Rule of 40?", "--variant", "base") == 0
    out = capsys.readouterr().out
    assert "Rule of 40 means" in out and "no retrieval" in out
    assert fake.requests[0].messages[0]["content"] == TUTOR_SYSTEM


def test_train_rejects_bad_options_before_loading_anything(capsys):
    assert run_cli("train", "--data", "/nonexistent/raft.jsonl") == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli("train", "--rank", "0")


def test_the_eval_result_is_written_atomically(tmp_path):
    path = evaluate.write_result({"demo": "finetune_rag", "items": 1})
    assert json.loads(path.read_text())["items"] == 1
    assert not list(path.parent.glob(".*tmp"))


def test_the_tour_skips_untrained_variants_and_scores_the_rest(monkeypatch, fake, capsys, no_shipped_adapters):
    from finetune_rag import tour

    monkeypatch.setattr(tour, "ensure_ingested", lambda: SimpleNamespace(embed=None))
    fence = Hit("f", "The upper fence for the croissant sales is 69.", "course/09-outliers-and-fences.md", "F", 1.0)
    monkeypatch.setattr(v, "retrieve_for", lambda store, q, k=3: [fence] + hits()[:2])
    real_backend_for = v.backend_for

    def backend_for(chosen, args):
        if chosen.run:
            return real_backend_for(chosen, args)  # no adapter trained: raises, naming the command
        return fake

    monkeypatch.setattr(v, "backend_for", backend_for)
    fake.queue(text="Great question! It is 69. Is that clear?")
    fake.queue(text="Great question! The upper fence is 69 [1]. Can you see why?")
    summary = tour.run(type("Args", (), {"backend": "local", "model": None})())
    out = capsys.readouterr().out
    assert "skipped" in out and "tailor course train" in out
    # rag's supported [1] is held to the passage by rag's rules; the closed-book base cites nothing
    assert summary == ("2 variants answered one course question: rag facts+voice+citation, "
                       "base (baseline) facts+voice")


def test_train_builds_the_raft_set_and_hands_finetuning_the_options(monkeypatch):
    import finetuning.train
    from finetune_rag import pipeline

    seen = []
    monkeypatch.setattr(finetuning.train, "train", lambda config, progress=True: seen.append(config) or "run")
    assert run_cli("train", "--max-steps", "3", "--lr", "0.002") == 0
    config = seen[0]
    assert config.name == "course" and config.max_steps == 3 and config.lr == 0.002
    assert config.epochs == pipeline.EPOCHS and config.batch_size == pipeline.BATCH_SIZE
    built = read_jsonl(config.data)  # built fresh beside the runs, from the notes
    assert len(built) == len(read_jsonl(raft_train_path()))


def test_limit_keeps_both_kinds_of_question():
    questions = load_questions()
    few = evaluate.subset(questions, 8)
    assert len(few) == 8 and len({q["id"] for q in few}) == 8
    assert sum(not q["answerable"] for q in few) == 1
    assert evaluate.subset(questions, None) == questions


def test_tutor_replies_follow_rags_whole_sentence_and_citation_rules():
    from tailor.backends.base import ChatResult, Usage

    fence = Hit("f", "The upper fence is Q3 + 1.5 x IQR, here 69.", "course/09-outliers-and-fences.md", "Fences", 1.0)
    passages = hits()[:1] + [fence]
    raw = "Great question! The upper fence is 69 [1]. The moon is cheese [2]. Can you say why? It is also"
    result = ChatResult(text=raw, usage=Usage(1, 1), latency_s=0.1, model="m", backend="fake", finish_reason="length")
    reply = v.final_reply(result, passages)
    # the near copy restored to the passage's words; [1] (wrong passage) re-attributed to the fence passage,
    # renumbered [1]; the unsupported sentence and the unfinished one dropped; the greeting and the closing
    # question kept without a citation.
    assert reply.text.startswith("Great question! The upper fence is Q3 + 1.5 x IQR, here 69 [1]. Can you say why?")
    assert reply.cut
    assert reply.cited_sources() == ["course/09-outliers-and-fences.md"]
    assert scoring.citation_correct(reply.text, reply.cited_sources(), ["09-outliers-and-fences.md"])


def test_a_reply_with_nothing_the_passages_support_says_so_instead_of_a_blank():
    from finetune_rag.prompts import UNSUPPORTED_REPLY
    from finetuning.voice import complies
    from tailor.backends.base import ChatResult, Usage

    for raw in ["", "Great question! Does that match the worked example in the notes?", "The moon is cheese [1]."]:
        result = ChatResult(text=raw, usage=Usage(1, 1), latency_s=0.1, model="m", backend="fake")
        reply = v.final_reply(result, hits()[:1])
        assert reply.text == UNSUPPORTED_REPLY and not reply.citations
        assert scoring.abstains(reply.text)  # scored as the abstention it is
    assert complies("What is a boxplot?", UNSUPPORTED_REPLY)
    said = ChatResult(text=f"Great question! {scoring.ABSTAIN_SENTENCE} Which topic?", usage=Usage(1, 1),
                      latency_s=0.1, model="m", backend="fake")
    assert v.final_reply(said, hits()[:1]).text.endswith("Which topic?")  # the model's own abstention stays


def test_the_variants_answer_on_transformers_unless_another_engine_is_named(monkeypatch):
    """finetune_rag's measured engine (variants.ENGINE, local) replaces the project default; a named one wins."""
    args = type("Args", (), {"backend": None, "model": None})()
    assert v.backend_name(args) == "local" and v.backend_for(v.variant("base"), args).name == "local"
    monkeypatch.setenv("TAILOR_BACKEND", "llamacpp")
    assert v.backend_name(args) == "llamacpp"
    assert v.backend_for(v.variant("ft"), args).adapter == v.adapter_path(v.variant("ft"))


def test_a_near_copy_of_a_shown_sentence_is_restored_to_the_notes_own_words():
    from tailor.backends.base import ChatResult, Usage

    note = ("So the lower fence is 39 - 18 = 21 and the upper fence is 51 + 18 = 69.\n"
            "None of the seven days is an outlier.")
    fence = Hit("f", note, "course/09-outliers-and-fences.md", "Fences", 1.0)
    raw = "Great question! The upper fence is 39 - 18 = 21 [1]. Where else could you use this?"
    result = ChatResult(text=raw, usage=Usage(1, 1), latency_s=0.1, model="m", backend="fake")
    reply = v.final_reply(result, [fence])
    assert reply.text == ("Great question! So the lower fence is 39 - 18 = 21 and the upper fence is 51 + 18 = 69 [1]. "
                          "Where else could you use this?")
    # a sentence that says something the notes do not (a number they lack) is not "restored" into one
    other = ChatResult(text="Great question! The upper fence is 70 [1]. Why?", usage=Usage(1, 1), latency_s=0.1,
                       model="m", backend="fake")
    assert "70" not in v.final_reply(other, [fence]).text
