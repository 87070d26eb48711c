"""The MyST-to-Jupyter Markdown conversion of the exported notebooks (tools/book_ext/notebook_markdown.py), alone.

A fake build context answers glue look-ups, cross-references and numbers, so each MyST construct the chapters use
is checked against the Markdown it must become; tests/test_notebooks.py checks the real notebooks of a built book.
"""

from __future__ import annotations

import base64
import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "notebook_markdown", REPO / "tools" / "book_ext" / "notebook_markdown.py"
)
nm = importlib.util.module_from_spec(_spec)
sys.modules["notebook_markdown"] = nm
_spec.loader.exec_module(nm)

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image bytes").decode()
GLUE_PREFIX = "application/papermill.record/"


class FakeContext:
    """The build as the conversion sees it: glued values, resolvable labels, numbers, and the warnings it gets."""

    def __init__(self) -> None:
        self.glued = {
            "EB": {"text/plain": "74.87804878048782", "text/latex": "$74.88$"},
            "n": {"text/plain": "12"},
            "name": {"text/plain": "'a_b*c'"},
            "paper_EB": {"text/markdown": "75.9", "text/plain": "<IPython.core.display.Markdown object>"},
            "table": {"text/markdown": "| a | b |\n| --- | --- |\n| {glue:text}`n` | {cite:p}`lin` |\n"},
            "fig": {"image/png": PNG, "text/plain": "<IPython.core.display.Image object>"},
            "fig_alt": {"text/markdown": "A rising curve."},
            "eq": {"text/latex": "$$\\displaystyle E = mc^2$$", "text/plain": "E"},
            "loop": {"text/markdown": "{glue:md}`loop`"},
        }
        self.labels = {"sec-x": ("other", "sec-x", "The section"), "fig-a": ("page", "fig-a", "")}
        self.numbers = {("figure", "fig-a"): "Fig. 7.2", ("exercise", "ex-1"): "Exercise 7.1"}
        self.numbers[("displaymath", "equation-eq-l")] = "7.3"
        self.warnings: list[str] = []

    def glue(self, key):
        return self.glued.get(key)

    def xref(self, role, text):
        if role.startswith("cite"):
            return "\\[[Lin et al., 2026](bib.html#id1)\\]" if text == "lin" else None
        if role == "doc":
            return f"[Title of {text}]({text}.ipynb)"
        if role == "eq":
            return f"[(7.3)](#equation-{text})"
        target = text.split("<")[-1].rstrip(">").strip().lower()
        return f"[{target}](other.ipynb#{target})" if role in ("ref", "numref") and target in self.labels else None

    def anchor(self, label):
        return label.lower()

    def number(self, kind, anchor):
        return self.numbers.get((kind, anchor))

    def link(self, url):
        return "https://book.example/" + url.replace(".md", ".html")

    def warn(self, message):
        self.warnings.append(message)


def convert(source: str, **kwargs) -> tuple[nm.Converted, FakeContext]:
    context = FakeContext()
    return nm.convert(source, context, **kwargs), context


def test_glue_text_is_formatted_with_the_role_format_spec_as_myst_nb_does():
    out, context = convert("E = {glue:text}`EB:.2f`, n = {glue:text}`n:d`, raw {glue:text}`EB`, {glue:text}`n:.1%`.")
    assert out.source == "E = 74.88, n = 12, raw 74.87804878048782, 1200.0%."
    assert not context.warnings
    # a pasted string cannot start Markdown syntax
    assert convert("name {glue:text}`name`")[0].source == "name a\\_b\\*c"


def test_glue_md_pastes_glued_markdown_and_converts_it_in_turn():
    out, context = convert("reports {glue:md}`paper_EB` here")
    assert out.source == "reports 75.9 here"
    out, context = convert("```{glue:md} table\n:format: myst\n```\n")
    assert out.source == "| a | b |\n| --- | --- |\n| 12 | \\[[Lin et al., 2026](bib.html#id1)\\] |"
    assert not context.warnings
    out, context = convert("{glue:md}`loop`")
    assert context.warnings, "a glued value that pastes itself must be reported, not recurse forever"


def test_glue_figure_becomes_an_attachment_with_alt_text_number_and_caption():
    source = (
        ":::{glue:figure} fig\n:alt: Energy against time: it rises.\n:name: fig-a\n\n"
        "The caption, with {glue:text}`EB:.1f`.\n:::\n"
    )
    out, context = convert(source)
    assert out.attachments == {"fig.png": {"image/png": PNG}}
    assert out.source == (
        '<a id="fig-a"></a>![Energy against time: it rises.](attachment:fig.png)\n\n**Fig. 7.2** The caption, with 74.9.'
    )
    # without :alt:, the alt text nrqb.plots.style.glue_figure glued beside the figure
    out, _ = convert("```{glue:figure} fig\n```")
    assert out.source == "![A rising curve.](attachment:fig.png)"
    assert not context.warnings


def test_containers_with_nested_fences_keep_every_figure():
    source = (
        "::::{container} nrqb-panels\n:::{glue:figure} fig\n:name: fig-a\n\nLeft.\n:::\n"
        ":::{glue:figure} fig\n\nRight.\n:::\n::::\n\nAfter."
    )
    out, context = convert(source)
    assert out.source.count("](attachment:fig.png)") == 2
    assert "**Fig. 7.2** Left." in out.source and "Right." in out.source and out.source.endswith("After.")
    assert ":::" not in out.source and "{" not in out.source
    assert not context.warnings


def test_cross_references_and_citations_become_links():
    out, context = convert(
        "See {doc}`model`, {ref}`the text <sec-X>`, {numref}`fig-a`, Eq. {eq}`eq-l` {cite:p}`lin`; and {ref}`nope`."
    )
    assert out.source == (
        "See [Title of model](model.ipynb), [sec-x](other.ipynb#sec-x), [fig-a](other.ipynb#fig-a), "
        "Eq. [(7.3)](#equation-eq-l) \\[[Lin et al., 2026](bib.html#id1)\\]; and nope."
    )
    assert context.warnings == ["{ref}`nope` does not resolve"]


def test_code_spans_and_code_fences_are_left_alone():
    source = "Use ``{glue:text}`key` `` in prose.\n\n```python\nx = '{ref}`a`'\n```\n\n~~~\n:::{note}\n~~~"
    out, context = convert(source)
    assert out.source == source
    assert not context.warnings


def test_exercises_become_headings_and_solutions_fold_as_in_the_html():
    source = (
        "```{exercise} Slaved cavity\n:label: ex-1\n\nShow that $c$ follows $a$.\n```\n\n"
        "````{solution} ex-1\n:class: dropdown\n\nIt does:\n\n```python\nprint(1)\n```\n````\n\n"
        "```{solution-start} ex-1\n:class: dropdown\n```\n\nText of the gated solution."
    )
    titles = nm.exercise_titles([source])
    assert titles == {"ex-1": "Slaved cavity"}
    out, context = convert(source, exercises=titles)
    assert out.source == (
        '#### <a id="ex-1"></a>Exercise 7.1 (Slaved cavity)\n\nShow that $c$ follows $a$.\n\n'
        "<details>\n<summary>Solution to [Exercise 7.1 (Slaved cavity)](#ex-1)</summary>\n\n"
        "It does:\n\n```python\nprint(1)\n```\n\n</details>\n\n"
        "#### Solution to [Exercise 7.1 (Slaved cavity)](#ex-1)\n\nText of the gated solution."
    )
    assert convert("```{solution-end}\n```")[0].source == nm.SOLUTION_END
    assert not context.warnings


def test_cells_are_cut_at_headings_but_not_inside_code_math_or_details():
    source = (
        "Intro.\n\n## A\n\nText\n\n```python\n# not a heading\n```\n\n$$\n# x\n$$\n\n"
        "<details>\n<summary>S</summary>\n\n# inside\n\n</details>\n\n### B\nEnd."
    )
    assert nm.split_at_headings(source) == [
        "Intro.",
        "## A\n\nText\n\n```python\n# not a heading\n```\n\n$$\n# x\n$$\n\n"
        "<details>\n<summary>S</summary>\n\n# inside\n\n</details>",
        "### B\nEnd.",
    ]


def _md(source, **extra):
    return {"cell_type": "markdown", "id": f"c{abs(hash(source)) % 10**8}", "metadata": {}, "source": source, **extra}


def _code(source):
    return {
        "cell_type": "code",
        "id": f"k{len(source)}{source[0]}",
        "metadata": {},
        "source": source,
        "outputs": [],
        "execution_count": 1,
    }


def test_a_gated_solution_folds_exactly_its_own_cells_in_jupyterlab():
    end = nm.SOLUTION_END
    image = {"image/png": "iVBO"}
    cells = [
        _md(
            "#### Exercise 1.1\n\nDo it.\n\n#### Solution to Exercise 1.1\n\nFirst ![f](attachment:f.png)",
            attachments={"f.png": image},
        ),
        _code("x = 1"),
        _md(f"More.\n{end}\n\n#### Exercise 1.2\n\nAgain.\n\n#### Solution to Exercise 1.2\n\nHere."),
        _code("y = 2"),
        _md(f"{end}\n\nText after the solution, under no heading."),
    ]
    out = nm.fold_gated_solutions(cells)
    sources = [c["source"] for c in out]
    assert sources == [
        "#### Exercise 1.1\n\nDo it.",
        "#### Solution to Exercise 1.1",
        "First ![f](attachment:f.png)",
        "x = 1",
        "More.",
        "#### Exercise 1.2\n\nAgain.",
        "#### Solution to Exercise 1.2",
        "Here.",
        "y = 2",
        "Text after the solution, under no heading.",
    ]
    folded = [c["source"].split("\n")[0] for c in out if c["metadata"].get(nm.HEADING_COLLAPSED)]
    # The second solution is followed by text under no heading, which folding it would hide: it stays open.
    assert folded == ["#### Solution to Exercise 1.1"]
    assert out[2]["attachments"] == {"f.png": image} and not any("attachments" in c for c in out[:2])
    assert len({c["id"] for c in out}) == len(out)


def test_equations_are_kept_and_a_labelled_one_gets_its_anchor_and_number():
    aligned = "$$\n\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}\n$$"
    assert convert(aligned)[0].source == aligned
    ams = "\\begin{equation*}\nx = 1 % a LaTeX comment\n\\tag{P1}\n\\end{equation*}"
    assert convert(ams)[0].source == ams
    out, _ = convert("Then\n\n$$\nE = mc^2\n$$ (eq-l)\n\nso.")
    assert out.source == 'Then\n\n<a id="equation-eq-l"></a>\n$$\nE = mc^2\n\\tag{7.3}\n$$\n\nso.'
    out, _ = convert("$$ E = mc^2 $$ (eq-l)")
    assert out.source == '<a id="equation-eq-l"></a>\n$$\n E = mc^2 \n\\tag{7.3}\n$$'


def test_targets_comments_and_definition_lists():
    out, _ = convert("(sec-x)=\n## A section\n\n(eq-H)=\nText % not a comment\n% a comment\nmore.")
    assert out.source == '## <a id="sec-x"></a>A section\n\n<a id="eq-h"></a>\nText % not a comment\nmore.'
    out, _ = convert("Intro.\n\nBattery\n: Stores energy,\n  for later.\n\nCharger\n: Drives it.")
    assert out.source == "Intro.\n\n- **Battery**: Stores energy,\n  for later.\n\n- **Charger**: Drives it."


def test_glued_data_images_and_relative_links():
    markdown = f"![A headline figure.](data:image/png;base64,{PNG})"
    context = FakeContext()
    context.glued["head"] = {"text/markdown": markdown}
    out = nm.convert("```{glue:md} head\n:format: commonmark\n```", context)
    ((name, bundle),) = out.attachments.items()
    assert bundle == {"image/png": PNG} and out.source == f"![A headline figure.](attachment:{name})"
    out, _ = convert('A <a href="../book.pdf">PDF</a>, [a page](other.md#x) and $[L](a)$, [web](https://x.org/a.md).')
    assert out.source == (
        'A <a href="https://book.example/../book.pdf">PDF</a>, [a page](https://book.example/other.html#x) and '
        "$[L](a)$, [web](https://x.org/a.md)."
    )


def test_admonitions_dropdowns_and_unknown_constructs_stay_readable():
    out, context = convert("```{note}\nMind the sign.\n```")
    assert out.source == "**Note**\n\nMind the sign."
    out, _ = convert(":::{dropdown} Details\nHidden text.\n:::")
    assert out.source == "<details>\n<summary>Details</summary>\n\nHidden text.\n\n</details>"
    out, context = convert("```{mystery} arg\nBody.\n```\n\nA {weird}`role`.")
    assert "Body." in out.source and "A role." in out.source and "{" not in out.source
    assert len(context.warnings) == 2, context.warnings


@pytest.mark.parametrize("spec", [".2f", ".3e", "d", ".1%", "s", ""])
def test_format_is_myst_nbs_own(spec):
    from myst_nb.core.variables import format_plain_text

    text = "12" if spec == "d" else "0.123456"
    out, _ = convert(f"{{glue:text}}`x:{spec}`" if spec else "{glue:text}`x`")
    assert out.source == "x", "unknown key: its name is shown"
    context = FakeContext()
    context.glued["x"] = {"text/plain": text}
    source = f"{{glue:text}}`x:{spec}`" if spec else "{glue:text}`x`"
    expected = format_plain_text(text, spec if spec else "s")
    assert nm.convert(source, context).source == re.sub(r"([\\`*_\[\]<>|$])", r"\\\1", expected)


def test_a_reference_to_an_exercise_of_the_page_shows_its_number_as_the_html_does():
    out, context = convert("See {ref}`ex-1` and {ref}`sec-x`.", exercises={"ex-1": "A title"})
    assert out.source == "See [Exercise 7.1](#ex-1) and [sec-x](other.ipynb#sec-x)."
    assert not context.warnings
