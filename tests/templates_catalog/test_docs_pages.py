"""docs/templates/<name>.md are generated (templates_catalog/docs.py): the committed pages are
what the spec files and the engine produce now."""

from __future__ import annotations

import difflib

import pytest

from templates_catalog.docs import DOCS, SAMPLE_PARAMS, render
from templates_catalog.registry import load_templates


@pytest.mark.parametrize("name", sorted(load_templates()))
def test_the_committed_docs_page_is_what_the_template_renders(name: str) -> None:
    assert name in SAMPLE_PARAMS, f"add {name} to templates_catalog.docs.SAMPLE_PARAMS"
    want = render(load_templates()[name], SAMPLE_PARAMS[name])
    page = DOCS / f"{name}.md"
    have = page.read_text(encoding="utf-8") if page.exists() else ""
    if have != want:
        diff = "".join(
            list(
                difflib.unified_diff(
                    have.splitlines(keepends=True),
                    want.splitlines(keepends=True),
                    f"committed {page.name}",
                    "rendered now",
                )
            )[:40]
        )
        pytest.fail(
            f"docs/templates/{name}.md is out of date; regenerate it with "
            f"`python manage.py template_docs` and commit the result.\n{diff}",
            pytrace=False,
        )
