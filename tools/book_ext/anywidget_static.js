// Renders the book's anywidgets from the widget state embedded in a built page, with no kernel and no CDN.
//
// myst-nb stores each executed notebook's widget state (application/vnd.jupyter.widget-state+json, with every
// anywidget's ES module in its `_esm` trait) and one application/vnd.jupyter.widget-view+json script per displayed
// widget. This file replaces the 3.6 MB @jupyter-widgets/html-manager (and require.js) with the small contract
// anywidget front ends are written against: export default { initialize?({model}), render({model, el}) } with
// model.get / set / on / off / save_changes / send. Loaded with `defer` (tools/book_ext/nrqb_html.py installs it as
// _static/nrqb-js/anywidget-static.js through nb_ipywidgets_js), so it never blocks the first paint.
// A widget that is not an anywidget cannot run without a kernel: it gets a short note instead. Nothing is written
// to the console; a failure shows inside the widget's place on the page.
(function () {
  "use strict";
  var STATE = "application/vnd.jupyter.widget-state+json";
  var VIEW = "application/vnd.jupyter.widget-view+json";

  function StaticModel(id, state) {
    this.model_id = id;
    this.attributes = Object.assign({}, state);
    this.listeners = {};
  }
  StaticModel.prototype.get = function (name) {
    return this.attributes[name];
  };
  StaticModel.prototype.set = function (name, value) {
    var old = this.attributes[name];
    this.attributes[name] = value;
    if (!Object.is(old, value)) this.emit("change:" + name, value);
    this.emit("change", name);
  };
  StaticModel.prototype.on = function (event, callback) {
    (this.listeners[event] = this.listeners[event] || []).push(callback);
  };
  StaticModel.prototype.off = function (event, callback) {
    if (!event) this.listeners = {};
    else if (!callback) delete this.listeners[event];
    else this.listeners[event] = (this.listeners[event] || []).filter(function (cb) {
      return cb !== callback;
    });
  };
  StaticModel.prototype.emit = function (event, value) {
    (this.listeners[event] || []).slice().forEach(function (cb) {
      cb(value);
    });
  };
  // Without a kernel there is nobody to save to or send to: the page's copy of the state is all there is.
  StaticModel.prototype.save_changes = function () {};
  StaticModel.prototype.send = function () {};

  function note(el, text) {
    var p = document.createElement("p");
    p.className = "nrqb-widget-note";
    p.textContent = text;
    el.appendChild(p);
  }

  var styles = {};
  function addStyle(key, css) {
    if (!css || styles[key]) return;
    var style = document.createElement("style");
    style.setAttribute("data-anywidget", key);
    style.textContent = css;
    document.head.appendChild(style);
    styles[key] = true;
  }

  var modules = {};
  function load(esm) {
    if (!modules[esm]) {
      var url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
      modules[esm] = import(url).then(function (mod) {
        var widget = mod["default"] !== undefined ? mod["default"] : mod;
        return typeof widget === "function" ? widget() : widget;
      });
    }
    return modules[esm];
  }

  function renderOne(script, models) {
    var view;
    try {
      view = JSON.parse(script.textContent);
    } catch (err) {
      return;
    }
    var el = document.createElement("div");
    el.className = "jupyter-widgets jupyter-widgets-view nrqb-anywidget";
    script.parentNode.insertBefore(el, script);
    var entry = models[view.model_id];
    if (!entry) return note(el, "This widget's state was not saved with the page.");
    if (entry.model_name !== "AnyModel" || typeof entry.state._esm !== "string") {
      return note(el, "This widget needs a running Jupyter kernel: open the page in Binder or JupyterLab.");
    }
    var model = new StaticModel(view.model_id, entry.state);
    addStyle(entry.state._anywidget_id || view.model_id, entry.state._css);
    load(entry.state._esm)
      .then(function (widget) {
        return Promise.resolve(widget.initialize && widget.initialize({ model: model })).then(function () {
          return widget.render && widget.render({ model: model, el: el });
        });
      })
      .catch(function (err) {
        note(el, "The interactive widget could not start in this browser: " + ((err && err.message) || err));
      });
  }

  function start() {
    var models = {};
    document.querySelectorAll('script[type="' + STATE + '"]').forEach(function (script) {
      try {
        var state = JSON.parse(script.textContent).state || {};
        Object.keys(state).forEach(function (id) {
          models[id] = state[id];
        });
      } catch (err) {
        /* a malformed state block: its widgets get the "not saved" note */
      }
    });
    document.querySelectorAll('script[type="' + VIEW + '"]').forEach(function (script) {
      renderOne(script, models);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
