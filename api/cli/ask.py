"""`handoff ask` and `handoff eval`: cited answers, and how well retrieval finds what a team expects."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from handoff.api.cli.app import AsOfOption, JsonOption, RepoOption, app, as_of_date, out, policy, print_json, workspace
from handoff.api.render import console
from handoff.core.facts import load_facts

LlmOption = Annotated[bool, typer.Option("--llm", help="Have the configured model write the answer from the sources.")]
QuestionsArgument = Annotated[Path, typer.Argument(
    help='JSON lines: {"q": "...", "expect": ["path or ticket key", ...]}.')]


@app.command("ask")
def ask_command(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question about the code, its decisions or its history.")],
    repo: RepoOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only code, doc, adr, ticket or history.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="Sources to cite.")] = 8,
    llm: LlmOption = False, as_of: AsOfOption = None, json: JsonOption = False,
):
    """Answer a handoff question with cited sources and the owners of what is cited."""
    from handoff.assist.answer import ask, check_question
    from handoff.assist.retrieval import Filters, Retriever

    ws = workspace(ctx)
    question = check_question(question)
    retriever = Retriever(ws.home / "index", ws.settings)
    answer = ask(question, retriever, load_facts(ws.store, ws.settings), as_of_date(as_of), ws.settings, k,
                 Filters(repo=repo, kind=kind), llm=llm or ws.settings.answer_mode == "llm", policy=policy(ws))
    print_json(answer) if json else console.answer_text(out, answer)


@app.command("eval")
def eval_command(
    ctx: typer.Context, questions: QuestionsArgument,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="Rank up to which a source counts as found.")] = 5,
    repo: RepoOption = None, json: JsonOption = False,
):
    """Measure retrieval on your own questions: recall@1/5/10, MRR and the questions missed."""
    from handoff.assist.evaluate import evaluate, read_questions
    from handoff.assist.retrieval import Filters, Retriever

    ws = workspace(ctx)
    retriever = Retriever(ws.home / "index", ws.settings)
    report = evaluate(retriever, read_questions(questions), k, filters=Filters(repo=repo))
    print_json(report) if json else console.eval_table(out, report, k)
