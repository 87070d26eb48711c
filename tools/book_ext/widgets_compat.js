// Inserted by tools/book_ext/nrqb_html.py right before @jupyter-widgets/html-manager's embed-amd.js on widget pages.
// 1. Resolve the html-manager's AMD id to the CDN folder it is loaded from, so its fonts load from there too.
require.config({ paths: { "@jupyter-widgets/html-manager/dist": __HTML_MANAGER_DIST__ } });
// 2. The widget controls call the MathJax 2 API (MathJax.Hub.Queue) to typeset labels; the book loads MathJax 3.
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (mj && mj.startup && mj.typesetPromise && !mj.Hub) {
    mj.Hub = {
      Queue: function (command) {
        var element = command && command[2];
        // Sphinx's MathJax options ignore everything inside .document unless marked for processing.
        if (element && element.classList) element.classList.add("mathjax_process");
        // Jupyter typesets $...$ in widget labels; the book's MathJax knows only \(...\) inline.
        if (element && element.children.length === 0 && /\$[^$]+\$/.test(element.textContent)) {
          element.textContent = element.textContent.replace(/\$([^$]+)\$/g, "\\($1\\)");
        }
        mj.startup.promise.then(function () {
          return mj.typesetPromise(element ? [element] : undefined);
        });
      },
    };
  }
});
