// Turn the one-page build of the nrqb book into a printable book (run by tools/pdf/build_pdf.py before printing).
// Called as prepare(book) with book = {title, subtitle, meta: [lines], parts: [{caption, chapters: [docname]}]}.
// Returns {chapters: [{docname, title, marker}]}; pass 1 prints invisible markers so the page of each chapter can be
// read from the PDF, pass 2 calls setPages() to fill the contents' page numbers and drops the markers.
(book) => {
  const main = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;

  // Solutions are collapsed dropdowns online: print them open. Interactive widgets cannot be printed: each page
  // shows the static figure before its widget, so the widget itself becomes a one-line note.
  document.querySelectorAll(".toggle-hidden").forEach((el) => el.classList.remove("toggle-hidden"));
  // Folded outputs (e.g. each chapter's versions table) are printed open; folded code stays out of the PDF.
  document.querySelectorAll("details.hide:not(.above-input)").forEach((el) => { el.open = true; });
  document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').forEach((script) => {
    const output = script.closest(".cell_output") || script.parentElement;
    const note = document.createElement("p");
    note.className = "nrqb-widget-note";
    note.textContent = "Interactive explorer (it cannot be printed): use it in the online book or in this chapter's notebook.";
    output.replaceWith(note);
  });

  // Title page and contents.
  const titlePage = document.createElement("section");
  titlePage.className = "nrqb-title-page";
  const add = (parent, cls, text) => {
    const el = document.createElement("div");
    el.className = cls;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  };
  add(titlePage, "nrqb-title", book.title);
  add(titlePage, "nrqb-subtitle", book.subtitle);
  book.meta.forEach((line) => add(titlePage, "nrqb-meta", line));

  const contents = document.createElement("nav");
  contents.className = "nrqb-contents";
  add(contents, "nrqb-contents-title", "Contents").id = "nrqb-contents";

  const chapters = [];
  book.parts.forEach((part) => {
    if (part.caption) add(contents, "nrqb-part", part.caption);
    part.chapters.forEach((docname, index) => {
      let anchor = document.getElementById("document-" + docname);
      if (!anchor && docname === book.root) {
        // The landing page is not inlined: its content opens the page. Give it an anchor like the others.
        anchor = document.createElement("span");
        anchor.id = "document-" + docname;
        const first = main.querySelector("section");
        first.parentNode.insertBefore(anchor, first);
      }
      if (!anchor) throw new Error("chapter " + docname + " is missing from the single-page build");
      const section = anchor.nextElementSibling && anchor.nextElementSibling.tagName === "SECTION"
        ? anchor.nextElementSibling : anchor.parentElement.querySelector("section");
      const title = section.querySelector("h1, h2");
      const titleText = Array.from(title.childNodes)
        .filter((n) => !(n.classList && n.classList.contains("headerlink")))
        .map((n) => n.textContent).join("").trim();
      title.classList.add("nrqb-chapter-title");
      const start = document.createElement("div");
      start.className = "nrqb-chapter-start";
      if (part.caption && index === 0) add(start, "nrqb-part-label", part.caption);
      const marker = "nrqb-chapter-" + chapters.length + "-marker";
      add(start, "nrqb-marker", marker);
      anchor.parentNode.insertBefore(start, anchor);
      start.appendChild(anchor);

      const link = document.createElement("a");
      link.href = "#document-" + docname;
      link.innerHTML = '<span class="nrqb-toc-title"></span><span class="nrqb-toc-dots"></span>'
        + '<span class="nrqb-toc-page">00</span>';
      link.querySelector(".nrqb-toc-title").textContent = docname === book.root ? book.rootLabel : titleText;
      contents.appendChild(link);
      chapters.push({ docname, title: titleText, marker });
    });
  });
  main.insertBefore(contents, main.firstChild);
  main.insertBefore(titlePage, main.firstChild);

  // Short code blocks stay on one page; long ones may break.
  document.querySelectorAll("div.highlight, .cell_output").forEach((el) => {
    if (el.textContent.split("\n").length <= 30) el.classList.add("nrqb-short");
  });

  // Display equations and tables wider than the page are scaled down to fit (the online book scrolls them).
  const fit = (el, minimum) => {
    const box = el.parentElement.getBoundingClientRect().width;
    const width = el.scrollWidth;
    if (box > 0 && width > box + 1) {
      const ratio = Math.max(minimum, box / width);
      el.style.fontSize = (100 * ratio).toFixed(1) + "%";
    }
  };
  document.querySelectorAll('mjx-container[display="true"]').forEach((el) => fit(el, 0.5));
  document.querySelectorAll("table").forEach((el) => fit(el, 0.6));

  window.nrqbSetPages = (pages) => {
    document.querySelectorAll(".nrqb-contents .nrqb-toc-page").forEach((el, i) => {
      el.textContent = String(pages[i]);
    });
    document.querySelectorAll(".nrqb-marker").forEach((el) => { el.textContent = ""; });
  };
  return { chapters };
}
