"""MyST Markdown of a chapter's markdown cells, rewritten as the Markdown that Jupyter, Colab and Binder render.

The book's markdown cells are MyST: roles (``{glue:text}`key:.2f```, ``{cite:p}`key```, ``{ref}`label```, ...),
directive fences (``{glue:figure}``, ``{exercise}``, ``:::{container}``, ...), targets (``(label)=``), labelled
equations (``$$ ... $$ (label)``), definition lists and comments (``% ...``). Jupyter shows all of them as literal
text. :func:`convert` rewrites one cell's source into plain Markdown that shows what the HTML shows:

* glued values pasted in (``{glue:text}`` formatted with its format spec by myst-nb's own ``format_plain_text``,
  ``{glue:md}`` as the Markdown it glued, converted in turn); glued images (``{glue:figure}``, ``{glue}``, and
  ``data:`` images in glued Markdown) become cell attachments, ``![alt](attachment:<key>.png)``, with the figure's
  number and caption below;
* cross-references and citations as Markdown links, with the text the HTML shows (the caller resolves them);
* exercises and solutions as headings ("Exercise 2.1 (title)", "Solution to Exercise 2.1 (title)") followed by
  their text; admonitions as a bold title; dropdowns as ``<details>``; containers as their content;
* each target, labelled figure, exercise and equation gets an ``<a id="...">`` anchor with the id the HTML gives
  it, so links between notebooks can point at it; a labelled equation also gets its number as ``\\tag{...}``;
* everything else, code fences, math (``$...$``, ``$$...$$``, ``\\begin{aligned}``) and plain Markdown, is kept.

What depends on the build (glued data, cross-references, numbers, anchors) comes from a :class:`Context`, which
``nrqb_publish.py`` implements on the Sphinx environment; this module needs neither Sphinx nor a kernel.
Anything it cannot convert is reported through :meth:`Context.warn` (the book builds with warnings as errors) and
shown as readable text, never dropped silently.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

#: The attachment image types, in the order myst-nb prefers them for HTML.
IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp")
IMAGE_EXTENSIONS = {
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "margin": "",
    "sidebar": "",
    "topic": "",
    "admonition": "",
}
#: What ``{solution-end}`` becomes: a marker that :func:`fold_gated_solutions` removes.
SOLUTION_END = "<!-- nrqb: solution end -->"
#: The cell metadata with which JupyterLab opens a heading cell folded, with the cells under it.
HEADING_COLLAPSED = "jp-MarkdownHeadingCollapsed"
XREF_ROLES = {"ref", "numref", "doc", "eq", "term", "download"}
# Characters that would start Markdown syntax (or math) if a pasted value contained them.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$])")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[A-Za-z0-9_:+.-]+)\}\s*(?P<args>.*)$")
_OPTION = re.compile(r"^:(?P<key>[A-Za-z0-9_-]+):(?:\s+(?P<value>.*))?$")
_TARGET = re.compile(r"^[ \t]*\((?P<label>[^()\s]+)\)=[ \t]*$")
_SOLUTION_HEADING = re.compile(r"#### (<a id=[^>]*></a>)?Solution to ")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*)$")
_COMMENT = re.compile(r"^[ \t]*%")
_MATH_OPEN = re.compile(r"^[ \t]*\$\$")
_MATH_LABEL = re.compile(r"^(?P<body>.*?)\$\$[ \t]*\((?P<label>[^()\s]+)\)[ \t]*$")
_AMS_OPEN = re.compile(r"^[ \t]*\\begin\{(?P<env>[A-Za-z]+\*?)\}")
_DEF_LINE = re.compile(r"^:[ \t]+(?P<text>.*)$")
_CODE_OR_ROLE = re.compile(r"(?P<role>\{[A-Za-z0-9_:+.-]+\})?(?P<ticks>`+)")
_DATA_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\(\s*data:(?P<mime>image/[\w.+-]+);base64,(?P<data>[A-Za-z0-9+/=\s]+?)\s*\)"
)
# A Markdown link to a file of the book ("model.md", "../data/x.csv#..."): a path with an extension, so that
# "[L](a)" in a formula is left alone.
_MD_LINK = re.compile(r"(?<!!)\]\((?P<url>(?:\.\.?/)?[A-Za-z0-9_][A-Za-z0-9_/-]*\.[A-Za-z0-9]+(?:#[\w.-]+)?)\)")
_HTML_LINK = re.compile(r"(?P<attr>\b(?:href|src))=(?P<quote>[\"'])(?P<url>[^\"'#:][^\"':]*)(?P=quote)")


class Context(Protocol):
    """What the conversion needs from the build. ``nrqb_publish.SphinxContext`` implements it."""

    def glue(self, key: str) -> dict[str, Any] | None:
        """The MIME bundle glued under ``key`` on this page (no ``papermill.record`` prefix), or None."""

    def xref(self, role: str, text: str) -> str | None:
        """Markdown (a link, usually) for the role ``{role}`text```: ``ref``, ``numref``, ``doc``, ``eq``,
        ``cite:p`` ...; None if it does not resolve."""

    def anchor(self, label: str) -> str:
        """The HTML id of the target, figure, exercise or equation ``label``."""

    def number(self, kind: str, anchor: str) -> str | None:
        """The number the HTML shows for ``anchor`` of ``kind`` (``figure``, ``exercise``: ``"Fig. 7.2"``,
        ``"Exercise 7.1"``; ``displaymath``: ``"7.1"``), or None if it has none."""

    def link(self, url: str) -> str:
        """A relative URL of the page's source (``../nrqb-book.pdf``, ``model.md``) as the notebook should link it."""

    def warn(self, message: str) -> None:
        """Report what could not be converted."""


def escape(text: str) -> str:
    """``text`` as Markdown that shows it literally (a pasted value, a link's text)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_alt(text: str) -> str:
    """``text`` as the alternative text of a Markdown image (one line, brackets escaped)."""
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


def format_plain_text(text: str, fmt_spec: str) -> str:
    """``{glue:text}`` formatting: myst-nb's own function, so the notebook shows exactly the digits the HTML shows."""
    from myst_nb.core.variables import format_plain_text as myst_format

    return myst_format(text, fmt_spec)


@dataclass
class Converted:
    """A converted markdown cell: its Markdown and the attachments its images name."""

    source: str
    attachments: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class _Directive:
    name: str
    args: str
    options: dict[str, str]
    content: list[str]


def _split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive body's options (``:key: value`` lines or a ``---`` YAML block) and its content."""
    options: dict[str, str] = {}
    k = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is not None:
            import yaml

            loaded = yaml.safe_load("\n".join(body[1:end])) or {}
            options = {str(key): "" if value is None else str(value) for key, value in loaded.items()}
            k = end + 1
    else:
        while k < len(body) and (match := _OPTION.match(body[k].strip())):
            options[match["key"]] = (match["value"] or "").strip()
            k += 1
    content = body[k:]
    while content and not content[0].strip():
        content = content[1:]
    return options, content


def _closing(lines: list[str], start: int, fence: str) -> int:
    """Index of the line that closes ``fence`` opened before ``start`` (``len(lines)`` if none: to the end)."""
    closer = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    return next((j for j in range(start, len(lines)) if closer.match(lines[j])), len(lines))


class _Converter:
    def __init__(self, context: Context, exercises: dict[str, str]) -> None:
        self.context = context
        self.exercises = exercises
        self.attachments: dict[str, dict[str, str]] = {}
        self.depth = 0

    # --- blocks -------------------------------------------------------------------------------------------------

    def block(self, lines: list[str]) -> list[str]:
        """Convert a sequence of Markdown lines (a cell, a directive's content, glued Markdown)."""
        out: list[str] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                out.extend(self.inline("\n".join(text)).split("\n"))
                text.clear()

        def emit_block(block: list[str]) -> None:
            flush()
            if out and out[-1].strip():
                out.append("")
            out.extend(block)
            out.append("")

        i = 0
        while i < len(lines):
            line = lines[i]
            fence = _FENCE.match(line)
            if fence and not (fence["fence"][0] == "`" and "`" in fence["info"]):
                end = _closing(lines, i + 1, fence["fence"])
                indent = fence["indent"]
                body = [b[len(indent) :] if b.startswith(indent) else b.lstrip() for b in lines[i + 1 : end]]
                directive = _DIRECTIVE.match(fence["info"].strip())
                if directive:
                    options, content = _split_options(body)
                    converted = self.directive(_Directive(directive["name"], directive["args"], options, content))
                    emit_block([indent + c if c else c for c in converted])
                elif fence["fence"][0] == ":":  # a colon fence without a directive name: a plain code block
                    emit_block([f"{indent}```{fence['info'].strip()}", *lines[i + 1 : end], f"{indent}```"])
                else:
                    emit_block(lines[i : end + 1])
                i = end + 1
                continue
            if _MATH_OPEN.match(line):
                end = i if line.strip().count("$$") >= 2 and line.strip() != "$$" else _math_end(lines, i + 1)
                flush()
                out.extend(self.display_math(lines[i : end + 1]))
                i = end + 1
                continue
            ams = _AMS_OPEN.match(line)
            if ams:
                closer = f"\\end{{{ams['env']}}}"
                end = next((j for j in range(i, len(lines)) if closer in lines[j]), len(lines) - 1)
                flush()
                out.extend(lines[i : end + 1])
                i = end + 1
                continue
            target = _TARGET.match(line)
            if target:
                anchor = f'<a id="{self.context.anchor(target["label"])}"></a>'
                heading = _HEADING.match(lines[i + 1]) if i + 1 < len(lines) else None
                if heading:  # the anchor goes into the heading it labels (no empty paragraph above it)
                    lines = [*lines[: i + 1], f"{heading['hashes']} {anchor}{heading['title']}", *lines[i + 2 :]]
                else:
                    text.append(anchor)
                i += 1
                continue
            if _COMMENT.match(line):  # a MyST comment: not shown in the HTML
                i += 1
                continue
            if line.strip() and not _DEF_LINE.match(line) and i + 1 < len(lines) and _DEF_LINE.match(lines[i + 1]):
                if not text or not text[-1].strip():
                    end, item = self.definition(lines, i)
                    text.extend(item)
                    i = end
                    continue
            text.append(line)
            i += 1
        flush()
        return _tidy(out)

    def definition(self, lines: list[str], i: int) -> tuple[int, list[str]]:
        """A definition-list item (``Term`` then ``: definition`` lines) as a bullet: ``- **Term**: definition``."""
        term = lines[i].strip()
        item: list[str] = []
        j = i + 1
        while j < len(lines) and (_DEF_LINE.match(lines[j]) or (lines[j].startswith("  ") and lines[j].strip())):
            match = _DEF_LINE.match(lines[j])
            if match and not item:
                item.append(f"- **{term}**: {match['text']}")
            elif match:
                item.append(f"  {match['text']}")
            else:
                item.append("  " + lines[j].strip())
            j += 1
        return j, item

    def display_math(self, lines: list[str]) -> list[str]:
        """A ``$$`` block, kept; a label after its closing ``$$`` becomes an anchor and the HTML's number."""
        label = _MATH_LABEL.match(lines[-1])
        if not label:
            return lines
        anchor = self.context.anchor(f"equation-{label['label']}")
        number = self.context.number("displaymath", anchor)
        body = [*lines[:-1], label["body"]] if label["body"].strip() else lines[:-1]
        tag = [f"\\tag{{{number}}}"] if number else []
        if len(body) == 1 and body[0].strip().startswith("$$") and body[0].strip() != "$$":
            body = [body[0].replace("$$", "", 1)]  # "$$ x $$ (label)" on one line
            return [f'<a id="{anchor}"></a>', "$$", *body, *tag, "$$"]
        return [f'<a id="{anchor}"></a>', *body, *tag, "$$"]

    def directive(self, d: _Directive) -> list[str]:
        handler: Callable[[_Directive], list[str]] | None = getattr(self, "d_" + re.sub(r"\W", "_", d.name), None)
        if handler is not None:
            return handler(d)
        if d.name in ADMONITIONS:
            return self.admonition(d, ADMONITIONS[d.name])
        self.context.warn(f"no notebook Markdown for the directive {{{d.name}}}: its content is shown as it is")
        return [f"**{escape(d.args or d.name)}**", "", *self.block(d.content)]

    def admonition(self, d: _Directive, title: str) -> list[str]:
        title = self.inline(d.args) if d.args else title
        if "dropdown" in d.options.get("class", "").split():
            return self.details(title, d.content)
        head = [f"**{title}**", ""] if title else []
        return [*head, *self.block(d.content)]

    def details(self, summary: str, content: list[str]) -> list[str]:
        return ["<details>", f"<summary>{summary}</summary>", "", *self.block(content), "", "</details>"]

    # glue (myst-nb)

    def _glued(self, key: str) -> dict[str, Any] | None:
        if "::" in key:
            self.context.warn(f"glue from another page ({key!r}) is not pasted into the notebook")
            return None
        data = self.context.glue(key)
        if data is None:
            self.context.warn(f"nothing glued under {key!r}")
        return data

    def paste_block(self, data: dict[str, Any], key: str, alt: str = "") -> list[str]:
        """A glued value as a block: an image attachment, its Markdown, its LaTeX or its text."""
        image = self.attach(key, data)
        if image:
            return [f"![{escape_alt(alt or key)}]({image})"]
        if "text/markdown" in data:
            return self.nested(_text(data["text/markdown"]).splitlines())
        if "text/latex" in data:
            return ["$$", _strip_math(_text(data["text/latex"])), "$$"]
        if "text/html" in data:
            return [_text(data["text/html"])]
        return ["```text", _text(data.get("text/plain", "")), "```"]

    def nested(self, lines: list[str]) -> list[str]:
        if self.depth > 5:
            self.context.warn("glued Markdown nested too deeply (a glued value that pastes itself?)")
            return lines
        self.depth += 1
        try:
            return self.block(lines)
        finally:
            self.depth -= 1

    def attach(self, key: str, data: dict[str, Any]) -> str | None:
        """Store the glued image as an attachment; its ``attachment:`` URL (None if ``data`` has no image)."""
        mime = next((m for m in IMAGE_TYPES if m in data), None)
        if mime is None:
            return None
        payload = _text(data[mime])
        if mime == "image/svg+xml":
            payload = base64.b64encode(payload.encode("utf-8")).decode("ascii")
        name = f"{re.sub(r'[^A-Za-z0-9_.-]', '_', key)}.{IMAGE_EXTENSIONS[mime]}"
        self.attachments[name] = {mime: payload.replace("\n", "")}
        return f"attachment:{name}"

    def d_glue_figure(self, d: _Directive) -> list[str]:
        key = d.args.strip()
        data = self._glued(key)
        anchor = self.context.anchor(d.options["name"]) if d.options.get("name") else ""
        caption = self.block(d.content)
        alt = d.options.get("alt") or _alt_from(self.context.glue(f"{key}_alt")) or _plain("\n".join(caption))
        body = self.paste_block(data, key, alt) if data is not None else [f"*(figure {escape(key)} not found)*"]
        if anchor:
            body = [f'<a id="{anchor}"></a>', *body] if len(body) > 1 else [f'<a id="{anchor}"></a>{body[0]}']
        number = self.context.number("figure", anchor) if anchor else None
        if caption:
            first = f"**{number}** " if number else ""
            caption[0] = first + caption[0]
        elif number:
            caption = [f"**{number}**"]
        return [*body, "", *caption] if caption else body

    def d_glue_md(self, d: _Directive) -> list[str]:
        data = self._glued(d.args.strip())
        if data is None:
            return []
        if "text/markdown" not in data:
            self.context.warn(f"no text/markdown glued under {d.args.strip()!r}")
            return self.paste_block(data, d.args.strip())
        return self.nested(_text(data["text/markdown"]).splitlines())

    def d_glue_math(self, d: _Directive) -> list[str]:
        data = self._glued(d.args.strip())
        if data is None:
            return []
        latex = _strip_math(_text(data.get("text/latex", data.get("text/plain", ""))))
        label = d.options.get("label")
        if not label:
            return ["$$", latex, "$$"]
        return self.display_math(["$$", latex, f"$$ ({label})"])

    def d_glue(self, d: _Directive) -> list[str]:
        data = self._glued(d.args.strip())
        return self.paste_block(data, d.args.strip(), d.options.get("alt", "")) if data is not None else []

    d_glue_any = d_glue
    d_glue_ = d_glue

    # sphinx-exercise

    def exercise_title(self, label: str) -> str:
        anchor = self.context.anchor(label)
        number = self.context.number("exercise", anchor) or "Exercise"
        title = self.exercises.get(label, "")
        return f"{number} ({self.inline(title)})" if title else number

    def d_exercise(self, d: _Directive) -> list[str]:
        label = d.options.get("label", "")
        anchor = self.context.anchor(label) if label else ""
        number = (self.context.number("exercise", anchor) if anchor else None) or "Exercise"
        if "nonumber" in d.options:
            number = "Exercise"
        title = f"{number} ({self.inline(d.args)})" if d.args.strip() else number
        head = f'#### <a id="{anchor}"></a>{title}' if anchor else f"#### {title}"
        return [head, "", *self.block(d.content)]

    d_exercise_start = d_exercise

    def d_solution(self, d: _Directive) -> list[str]:
        label = d.args.strip()
        anchor = self.context.anchor(label)
        own = self.context.anchor(d.options["label"]) if d.options.get("label") else ""
        head = f'<a id="{own}"></a>' if own else ""
        title = f"Solution to [{self.exercise_title(label)}](#{anchor})"
        if d.name == "solution" and "dropdown" in d.options.get("class", "").split():
            return [*([head] if head else []), *self.details(title, d.content)]  # folded, as in the HTML
        # A gated solution ({solution-start} ... {solution-end}) spans cells: a heading, which the notebook
        # folds with the cells below it (fold_gated_solutions), up to the end marker.
        return [f"#### {head}{title}", "", *self.block(d.content)]

    d_solution_start = d_solution

    def d_solution_end(self, d: _Directive) -> list[str]:
        return [SOLUTION_END]

    d_exercise_end = d_solution_end

    # layout and other directives

    def d_container(self, d: _Directive) -> list[str]:
        return self.block(d.content)

    d_div = d_container

    def d_dropdown(self, d: _Directive) -> list[str]:
        return self.details(self.inline(d.args) if d.args else "Show", d.content)

    d_toggle = d_dropdown

    def d_math(self, d: _Directive) -> list[str]:
        label = d.options.get("label") or d.options.get("name")
        body = [*d.content]
        return self.display_math(["$$", *body, f"$$ ({label})" if label else "$$"])

    def d_code_block(self, d: _Directive) -> list[str]:
        return [f"```{d.args.strip()}", *d.content, "```"]

    d_code = d_code_block
    d_sourcecode = d_code_block

    def d_epigraph(self, d: _Directive) -> list[str]:
        return ["> " + line if line else ">" for line in self.block(d.content)]

    d_pull_quote = d_epigraph
    d_highlights = d_epigraph

    def d_bibliography(self, d: _Directive) -> list[str]:
        return ["The references are listed in the book's [bibliography](" + self.context.link("bibliography.md") + ")."]

    # --- inline -------------------------------------------------------------------------------------------------

    def inline(self, text: str) -> str:
        """Roles replaced, code spans kept, data images attached, relative links pointed at the notebooks."""
        pieces: list[str] = []
        pos = 0
        for match in _CODE_OR_ROLE.finditer(text):
            if match.start() < pos:
                continue
            ticks = match["ticks"]
            closing = re.compile(rf"(?<!`){ticks}(?!`)").search(text, match.end())
            if closing is None:
                continue
            pieces.append(self.links(text[pos : match.start()]))
            content = text[match.end() : closing.start()]
            if match["role"]:
                pieces.append(self.role(match["role"][1:-1], content))
            else:
                pieces.append(text[match.start() : closing.end()])  # a code span: verbatim
            pos = closing.end()
        pieces.append(self.links(text[pos:]))
        return "".join(pieces)

    def links(self, text: str) -> str:
        text = _DATA_IMAGE.sub(self._data_image, text)
        text = _MD_LINK.sub(lambda m: f"]({self.context.link(m['url'])})", text)
        return _HTML_LINK.sub(lambda m: f"{m['attr']}={m['quote']}{self.context.link(m['url'])}{m['quote']}", text)

    def _data_image(self, match: re.Match) -> str:
        payload = re.sub(r"\s", "", match["data"])
        digest = hashlib.sha256(payload.encode("ascii")).hexdigest()[:12]
        name = self.attach(f"image-{digest}", {match["mime"]: payload}) or ""
        return f"![{match['alt']}]({name})"

    def role(self, name: str, content: str) -> str:
        content = content.strip()
        if name in ("glue:text", "glue:md", "glue", "glue:", "glue:any"):
            return self.paste_inline(name, content)
        if name == "ref" and content in self.exercises:
            # sphinx-exercise shows a plain {ref} to an exercise of the page as its number ("Exercise 7.2").
            anchor = self.context.anchor(content)
            number = self.context.number("exercise", anchor)
            if number:
                return f"[{escape(number)}](#{anchor})"
        if name in XREF_ROLES or name.startswith("cite"):
            resolved = self.context.xref(name, content)
            if resolved is None:
                self.context.warn(f"{{{name}}}`{content}` does not resolve")
                return escape(content)
            return resolved
        if name == "math":
            return f"${content}$"
        if name in ("sub", "sup"):
            return f"<{name}>{escape(content)}</{name}>"
        if name in ("abbr",):
            return escape(re.sub(r"\s*\(.*\)\s*$", "", content))
        if name in ("kbd", "code", "samp", "file", "command", "program", "literal"):
            return f"`{content}`"
        self.context.warn(f"no notebook Markdown for the role {{{name}}}: its text is shown as it is")
        return escape(content)

    def paste_inline(self, name: str, content: str) -> str:
        parts = content.rsplit(":", 1)  # "key:format" as myst-nb splits it (a format spec for text, for md a format)
        key, spec = (parts[0], parts[1]) if len(parts) == 2 else (content, "s")
        if name == "glue:text":
            data = self._glued(key)
            if data is None:
                return escape(key)
            if "text/plain" not in data:
                self.context.warn(f"no text/plain glued under {key!r}")
                return escape(key)
            try:
                return escape(format_plain_text(_text(data["text/plain"]), spec))
            except (TypeError, ValueError) as exc:
                self.context.warn(f"cannot format {key!r} with {spec!r}: {exc}")
                return escape(_text(data["text/plain"]))
        if name == "glue:md":
            data = self._glued(key)
            if data is None or "text/markdown" not in data:
                if data is not None:
                    self.context.warn(f"no text/markdown glued under {key!r}")
                return escape(key)
            return " ".join(self.nested(_text(data["text/markdown"]).strip().splitlines())).strip()
        data = self._glued(content)
        if data is None:
            return escape(content)
        image = self.attach(content, data)
        if image:
            return f"![{escape_alt(content)}]({image})"
        if "text/markdown" in data:
            return " ".join(self.nested(_text(data["text/markdown"]).strip().splitlines())).strip()
        if "text/latex" in data:
            return f"${_strip_math(_text(data['text/latex']))}$"
        return escape(format_plain_text(_text(data.get("text/plain", "")), ""))


def _math_end(lines: list[str], start: int) -> int:
    return next((j for j in range(start, len(lines)) if "$$" in lines[j]), len(lines) - 1)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _strip_math(latex: str) -> str:
    latex = latex.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]")):
        if latex.startswith(left) and latex.endswith(right) and len(latex) > len(left) + len(right):
            return latex[len(left) : -len(right)].strip().removeprefix("\\displaystyle").strip()
    return latex


def _alt_from(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    return _text(data.get("text/markdown", "")).strip()


def _plain(markdown: str) -> str:
    """A caption's text, for an alt text (Markdown markup and links dropped)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>|\*\*|\\(?=[\\`*_\[\]<>|$])", "", text)
    return " ".join(text.split())


def _tidy(lines: list[str]) -> list[str]:
    """No leading, trailing or doubled blank lines."""
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line.rstrip() if not line.strip() else line)
    while out and not out[-1].strip():
        out.pop()
    return out


def exercise_titles(sources: list[str]) -> dict[str, str]:
    """``{label: title}`` of every ``{exercise}`` in a page's markdown cells (a solution names its exercise)."""
    titles = {}
    pattern = re.compile(r"^[ \t]*(`{3,}|:{3,})\{exercise(?:-start)?\}[ \t]*(?P<title>.*)$")
    for source in sources:
        lines = source.splitlines()
        for i, line in enumerate(lines):
            match = pattern.match(line)
            if match:
                options, _ = _split_options(lines[i + 1 : _closing(lines, i + 1, match.group(1))])
                if options.get("label"):
                    titles[options["label"]] = match["title"].strip()
    return titles


def convert(source: str, context: Context, exercises: dict[str, str] | None = None) -> Converted:
    """One markdown cell's MyST ``source`` as Jupyter Markdown, with the attachments its images name.

    ``exercises`` (``{label: title}``, from :func:`exercise_titles` of the page) titles the solutions.
    """
    converter = _Converter(context, exercises or {})
    lines = converter.block(source.splitlines())
    return Converted("\n".join(lines), converter.attachments)


def split_at_headings(source: str) -> list[str]:
    """``source`` cut before each heading line (outside code fences, ``$$`` math and ``<details>``), so that each
    heading starts a cell, as JupyterLab needs to fold a heading with what follows it. Parts are stripped."""
    parts: list[list[str]] = [[]]
    fence, in_math, details = "", False, 0
    for line in source.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence) and not stripped[len(fence) :].strip():
                fence = ""
        elif match := re.match(r"(`{3,}|~{3,})", stripped):
            fence = match.group(1)
        else:
            if not in_math and not details and _HEADING.match(line) and any(x.strip() for x in parts[-1]):
                parts.append([])
            in_math ^= stripped.count("$$") % 2 == 1
            details += stripped.count("<details") - stripped.count("</details>")
        parts[-1].append(line)
    return [text for text in ("\n".join(part).strip() for part in parts) if text]


def fold_gated_solutions(cells: list[dict]) -> list[dict]:
    """Markdown cells split at headings (:func:`split_at_headings`), each gated solution's heading marked folded.

    A heading "Solution to ..." left by ``{solution-start}`` folds, in JupyterLab, every cell below it up to the
    next heading of the same or a higher level. It is marked folded only where that is exactly the solution: when
    the cell after its end marker starts with a heading, or the notebook ends. Otherwise it stays open (and shown).
    Attachments go with the part that names them; cell ids stay unique.
    """
    out: list[dict] = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            out.append(cell)
            continue
        parts = []
        for part in split_at_headings(cell_source(cell)):
            # A solution's heading alone in its cell: JupyterLab folds the cells below a heading, not its own text.
            heading, _, rest = part.partition("\n")
            parts += [heading, rest.strip()] if _SOLUTION_HEADING.match(heading) and rest.strip() else [part]
        for k, part in enumerate(parts):
            piece = {**cell, "source": part, "metadata": dict(cell.get("metadata", {}))}
            if cell.get("id"):
                piece["id"] = cell["id"] if k == 0 else f"{cell['id']}-{k}"
            named = {n: a for n, a in cell.get("attachments", {}).items() if f"attachment:{n}" in part}
            piece.pop("attachments", None)
            if named:
                piece["attachments"] = named
            out.append(piece)
    for i, cell in enumerate(out):
        if cell["cell_type"] == "markdown" and _SOLUTION_HEADING.match(cell["source"]):
            end = next((j for j in range(i, len(out)) if SOLUTION_END in cell_source(out[j])), None)
            if end is None:
                continue
            after = cell_source(out[end]).split(SOLUTION_END, 1)[1].strip()
            following = out[end + 1] if end + 1 < len(out) else None
            if not after and (following is None or _is_heading_cell(following)):
                cell["metadata"][HEADING_COLLAPSED] = True
    kept = []
    for cell in out:
        if cell["cell_type"] == "markdown" and SOLUTION_END in cell_source(cell):
            cell["source"] = cell_source(cell).replace(SOLUTION_END, "").strip()
            if not cell["source"]:
                continue
        kept.append(cell)
    return kept


def cell_source(cell: dict) -> str:
    """A notebook cell's source as one string (nbformat allows a list of lines)."""
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _is_heading_cell(cell: dict) -> bool:
    return cell["cell_type"] == "markdown" and bool(_HEADING.match(cell_source(cell).split("\n", 1)[0]))
