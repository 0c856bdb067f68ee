"""Progress shown as rich bars on stderr, one per stage, with the rate and the time taken."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


class RichProgress:
    def __init__(self, console: Console):
        self.console = console
        self.bars = Progress(
            SpinnerColumn(), TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
            RateColumn(), TimeElapsedColumn(), console=console,
        )
        self.task: TaskID | None = None
        self.warnings: list[str] = []

    def __enter__(self) -> RichProgress:
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finish()
        self.bars.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        self._finish()
        self.task = self.bars.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bars.advance(self.task, n)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.console.print(f"[yellow]warning:[/] {message}", highlight=False)

    def _finish(self) -> None:
        if self.task is not None:
            self.bars.update(self.task, total=self.bars.tasks[self.task].completed)
