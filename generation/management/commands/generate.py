"""Generate a dataset with no server: ``manage.py generate --schema spec.json --rows N ...``."""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from generation import engine


class Command(BaseCommand):
    help = (
        "Generate synthetic data from a spec file or a template, straight to a file. "
        "One table: OUT is the file. Several: OUT is a folder (one file per table), "
        "or a .zip holding one file per table."
    )

    def add_arguments(self, parser: Any) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--schema", type=Path, help="A spec file (JSON or YAML).")
        source.add_argument("--template", help="A built-in template name.")
        parser.add_argument(
            "--param", action="append", default=[], help="Template knob k=v (repeatable)."
        )
        parser.add_argument("--rows", type=int, default=None, help="Rows of the root table(s).")
        parser.add_argument("--format", choices=engine.ALL_FORMATS, default="csv")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument(
            "--block-size", type=int, default=engine.BLOCK_SIZE, help="Rows per block."
        )
        parser.add_argument(
            "--out", type=Path, required=True, help="Output file (one table), folder or .zip."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = self._source(options)
        try:
            spec = engine.parse_spec(raw)
        except engine.SpecError as exc:
            raise CommandError(
                "invalid spec:\n  " + "\n  ".join(str(i) for i in exc.issues)
            ) from None
        seed = options["seed"] if options["seed"] is not None else secrets.randbelow(2**31)
        if options["rows"] is not None and options["rows"] < 0:
            raise CommandError("--rows: must be >= 0")
        try:
            plans = engine.plan_tables(
                spec, rows=options["rows"], block_size=options["block_size"], seed=seed
            )
        except engine.SpecError as exc:
            raise CommandError("\n".join(str(i) for i in exc.issues)) from None
        for note in engine.spec_notes(spec):
            self.stderr.write(f"note: {note}")
        out: Path = options["out"]
        fmt = options["format"]
        ext = engine.extension_for(fmt)
        visible = {n: p for n, p in plans.items()}
        single = len(visible) == 1
        as_zip = not single and out.suffix == ".zip"
        total = sum(p.rows for p in visible.values())
        progress = _Progress(total, quiet=options["quiet"])
        with tempfile.TemporaryDirectory() as tmp:
            if as_zip:
                folder = Path(tmp)
            elif single:
                folder = out.parent
                folder.mkdir(parents=True, exist_ok=True)
            else:
                folder = out
                folder.mkdir(parents=True, exist_ok=True)
            files: dict[str, Path] = {}
            for name, plan in visible.items():
                path = out if single else folder / f"{name}.{ext}"
                schema = engine.output_schema(spec, name)
                with path.open("wb") as sink:
                    writer = engine.open_writer(
                        fmt,
                        sink,
                        schema,
                        neutralize_formulas=settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS,
                    )
                    for block in plan.blocks():
                        writer.write(engine.generate_block(spec, name, block, seed))
                        progress.advance(block.rows)
                    writer.close()
                files[f"{name}.{ext}"] = path
            if as_zip:
                from generation.engine.writers import write_zip

                out.parent.mkdir(parents=True, exist_ok=True)
                write_zip(out, files)
        progress.done()
        self.stdout.write(
            f"wrote {total:,} rows in {len(visible)} table(s) (seed {seed}, engine "
            f"{engine.ENGINE_VERSION}) to {out}"
        )

    def _source(self, options: dict[str, Any]) -> Any:
        if options["schema"]:
            try:
                return options["schema"].read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"--schema: {exc}") from None
        from templates_catalog.registry import template_spec

        params: dict[str, Any] = {}
        for item in options["param"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--param: expected k=v, got {item!r}")
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        try:
            return template_spec(options["template"], params)
        except Exception as exc:  # ApiError carries the message a person needs
            raise CommandError(str(getattr(exc, "message", exc))) from None


class _Progress:
    """A one-line progress bar on stderr: rows done, rate, time left."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.total = total
        self.done_rows = 0
        self.quiet = quiet or not total
        self.started = time.monotonic()

    def advance(self, rows: int) -> None:
        self.done_rows += rows
        if self.quiet:
            return
        width = 30
        frac = self.done_rows / self.total if self.total else 1.0
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done_rows / elapsed
        left = (self.total - self.done_rows) / rate if rate > 0 else 0.0
        bar = "#" * int(frac * width)
        sys.stderr.write(
            f"\r[{bar:<{width}}] {self.done_rows:>12,}/{self.total:,} rows "
            f"{rate:,.0f} rows/s, {left:,.0f}s left "
        )
        sys.stderr.flush()

    def done(self) -> None:
        if not self.quiet:
            sys.stderr.write("\n")
