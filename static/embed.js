// Tertulia embed: the published comments of an article and a comment form, on any page of a
// site listed in TERTULIA_EMBED_ORIGINS. Usage:
//   <div data-tertulia-article="SLUG"></div>
//   <script src="https://comments.example.org/static/embed.js" defer></script>
// It speaks the article's language, else the page's (<html lang>), else the browser's, else the
// site default: the server sends its words (/embed/messages.json), translated like its own pages.
// It loads static/embed.css first in <head>, so the host's own rules win; themed with CSS
// variables (docs/embed.md). `data-tertulia-stylesheet="none"` on the script tag leaves it out.
(function () {
  "use strict";

  var script = document.currentScript;
  var server = new URL(script.src).origin;
  // The page's language tag as written ("es", "pt-BR", or something unusual): the server reads
  // what it can and ignores the rest, so an odd tag never stops a comment.
  var pageLanguage = (document.documentElement.lang || "").trim();
  // What the page is about, for the spam filter's topic check (used for that comment only).
  var described = document.querySelector('meta[name="description"]');
  var pageDescription = described ? (described.getAttribute("content") || "").slice(0, 500) : "";

  if (script.getAttribute("data-tertulia-stylesheet") !== "none" &&
      !document.querySelector("link[data-tertulia-stylesheet]")) {
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = server + "/static/embed.css";
    sheet.setAttribute("data-tertulia-stylesheet", "");
    document.head.insertBefore(sheet, document.head.firstChild);
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function named(text, name) {
    return text.replace("%(name)s", name);
  }

  function getJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function mount(container) {
    var slug = container.getAttribute("data-tertulia-article");
    var api = server + "/api/v1/articles/" + encodeURIComponent(slug) + "/comments";
    var wording = server + "/embed/messages.json?article=" + encodeURIComponent(slug) +
      "&page_language=" + encodeURIComponent(pageLanguage);
    container.classList.add("tertulia");
    Promise.all([getJSON(wording), getJSON(api)]).then(function (answers) {
      build(container, slug, api, answers[0], answers[1]);
    }, function () {
      container.textContent = "Comments could not be loaded.";  // nothing came back to word it
    });
  }

  function build(container, slug, api, wording, data) {
    var t = wording.messages;
    var locale = wording.locale;
    var prefix = "tertulia-" + slug.replace(/[^a-z0-9_-]/gi, "");
    var parentId = null;

    function field(key, label, hint, input) {
      var id = prefix + "-" + key;
      var error = el("span", { "class": "tertulia-error", id: id + "-error" });
      input.id = id;
      var labelNode = el("label", { "for": id }, [label]);
      if (hint) labelNode.appendChild(el("span", { "class": "tertulia-hint" }, [" (" + hint + ")"]));
      return {
        node: el("p", { "class": "tertulia-field" }, [labelNode, input, error]),
        input: input, error: error, label: label
      };
    }

    var thread = el("div", { "class": "tertulia-thread" });
    var status = el("div", { "class": "tertulia-status", role: "status", tabindex: "-1" });
    var summary = el("div", { "class": "tertulia-summary", tabindex: "-1", hidden: "",
      "aria-labelledby": prefix + "-summary-title" });
    var replying = el("p", { "class": "tertulia-replying", hidden: "" });
    var name = field("name", t.name, "", el("input", { name: "name", autocomplete: "name", required: "" }));
    var email = field("email", t.email, t.emailHint,
      el("input", { name: "email", type: "email", autocomplete: "email", required: "" }));
    var body = field("body", t.comment, t.commentHint, el("textarea", { name: "body", rows: "5", required: "" }));
    function tick(key, label) {
      var box = el("input", { type: "checkbox", name: key, id: prefix + "-" + key });
      return { box: box, node: el("p", { "class": "tertulia-tick" }, [box, " ", el("label", { "for": prefix + "-" + key }, [label])]) };
    }
    var notifyPublished = tick("notify_published", t.notifyPublished);
    var notifyReplies = tick("notify_replies", t.notifyReplies);
    var notify = el("fieldset", { "class": "tertulia-notify" },
      [el("legend", {}, [t.notify, el("span", { "class": "tertulia-hint" }, [" (" + t.notifyHint + ")"])]),
       notifyPublished.node, notifyReplies.node]);
    var send = el("button", { type: "submit" }, [t.send]);
    var fields = { name: name, email: email, body: body };
    var form = el("form", { "class": "tertulia-form", novalidate: "" },
      [replying, name.node, email.node, body.node, notify, el("p", {}, [send])]);
    if (t.moderated) form.appendChild(el("p", { "class": "tertulia-hint" }, [t.moderated]));

    container.textContent = "";
    container.appendChild(el("h2", {}, [t.comments]));
    container.appendChild(thread);
    container.appendChild(el("h3", {}, [t.leave]));
    container.appendChild(status);
    container.appendChild(summary);
    container.appendChild(form);

    function stopReplying() {
      parentId = null;
      replying.hidden = true;
      replying.textContent = "";
    }

    function replyTo(comment) {
      parentId = comment.id;
      replying.textContent = named(t.replyingTo, comment.author_name) + " · ";
      var cancel = el("button", { type: "button", "class": "tertulia-link" }, [t.cancel]);
      cancel.addEventListener("click", function () { stopReplying(); body.input.focus(); });
      replying.appendChild(cancel);
      replying.hidden = false;
      body.input.focus();
    }

    // Pages of the thread: each holds whole conversations, so replies always find their parent
    // on the page that brings them; "more" appends the next page.
    var lists = { root: el("ol", { "class": "tertulia-comments" }) };
    var more = el("button", { type: "button", "class": "tertulia-more", hidden: "" }, [t.more]);
    var nextAfter = null;

    function renderComments(comments) {
      comments.forEach(function (comment) {
        var reply = el("button", { type: "button", "class": "tertulia-link",
          "aria-label": named(t.replyTo, comment.author_name) }, [t.reply]);
        reply.addEventListener("click", function () { replyTo(comment); });
        var text = el("div", { "class": "tertulia-body" });
        if (comment.language && comment.language !== "und") text.lang = comment.language;
        text.innerHTML = comment.body_html;  // sanitised by the server (allow-list, no scripts)
        var when = new Date(comment.created_at).toLocaleString(locale, { dateStyle: "long", timeStyle: "short" });
        var item = el("li", { id: prefix + "-comment-" + comment.id, "class": "tertulia-comment" }, [
          el("p", { "class": "tertulia-meta" }, [
            el("strong", {}, [comment.author_name]), " ",
            el("time", { datetime: comment.created_at }, [when]), " ", reply
          ]),
          text
        ]);
        lists[comment.id] = el("ol", { "class": "tertulia-comments" });
        item.appendChild(lists[comment.id]);
        (lists[comment.parent_id] || lists.root).appendChild(item);
      });
    }

    function showPage(data, first) {
      if (first) {
        thread.textContent = "";
        lists = { root: el("ol", { "class": "tertulia-comments" }) };
        thread.appendChild(lists.root);
        thread.appendChild(more);
        if (!data.comments.length) thread.insertBefore(el("p", { "class": "tertulia-empty" }, [t.none]), lists.root);
      }
      renderComments(data.comments);
      nextAfter = data.next_after;
      more.hidden = nextAfter === null;
    }

    // The server says how long each field may be (one definition, also behind its own form).
    function applyLimits(limits) {
      Object.keys(fields).forEach(function (key) {
        if (limits && limits[key]) fields[key].input.setAttribute("maxlength", String(limits[key]));
      });
    }

    function fetchPage(after) {
      return fetch(api + (after === null ? "" : "?after=" + encodeURIComponent(after))).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }

    function reload() {
      return fetchPage(null).then(function (fresh) { showPage(fresh, true); }, function () {});
    }

    more.addEventListener("click", function () {
      more.disabled = true;
      fetchPage(nextAfter).then(function (page) { showPage(page, false); }, function () {
        status.textContent = t.unavailable;
      }).then(function () { more.disabled = false; });
    });

    function clearErrors() {
      Object.keys(fields).forEach(function (key) {
        fields[key].error.textContent = "";
        fields[key].input.removeAttribute("aria-invalid");
        fields[key].input.removeAttribute("aria-describedby");
      });
      summary.hidden = true;
      summary.textContent = "";
    }

    // Messages under each field, and a summary at the top that links to them and takes focus.
    function showErrors(errors) {
      clearErrors();
      var items = el("ul");
      // In the form's order (the server's JSON keys come sorted), then whatever else.
      var order = Object.keys(fields).filter(function (key) { return key in errors; })
        .concat(Object.keys(errors).filter(function (key) { return !fields[key]; }));
      order.forEach(function (key) {
        var target = fields[key];
        var entry;
        if (target) {
          target.error.textContent = errors[key];
          target.input.setAttribute("aria-invalid", "true");
          target.input.setAttribute("aria-describedby", target.error.id);
          entry = el("a", { href: "#" + target.input.id }, [errors[key]]);
          entry.addEventListener("click", function (event) {
            event.preventDefault();
            target.input.focus();
          });
        } else {
          entry = errors[key];
        }
        items.appendChild(el("li", {}, [entry]));
      });
      summary.appendChild(el("h4", { id: prefix + "-summary-title" }, [t.summary]));
      summary.appendChild(items);
      summary.hidden = false;
      summary.focus();
    }

    function confirm(text) {
      clearErrors();
      status.textContent = "";
      status.appendChild(el("p", {}, [text]));
      status.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send.disabled = true;
      send.textContent = t.sending;
      status.textContent = "";
      var payload = {
        name: name.input.value, email: email.input.value, body: body.input.value,
        notify_published: notifyPublished.box.checked, notify_replies: notifyReplies.box.checked
      };
      if (pageLanguage) payload.page_language = pageLanguage;
      if (pageDescription) payload.page_description = pageDescription;
      if (parentId !== null) payload.parent_id = parentId;
      fetch(api, {
        method: "POST",
        // Error messages in the language this form speaks.
        headers: { "Content-Type": "application/json", "Accept-Language": locale },
        body: JSON.stringify(payload)
      })
        .then(function (response) {
          return response.json().then(function (answer) { return { status: response.status, data: answer }; });
        })
        .then(function (answer) {
          if (answer.status === 201 || answer.status === 202) {
            form.reset();
            stopReplying();
            confirm(answer.status === 201 ? t.published : t.pending);
            if (answer.status === 201) reload();
          } else if (answer.status === 503) {
            showErrors({ request: t.busy });  // the database is out for a moment: nothing stored
          } else {
            showErrors(answer.data.errors || {});
          }
        }, function () { showErrors({ request: t.unreachable }); })
        .then(function () { send.disabled = false; send.textContent = t.send; });
    });

    applyLimits(data.limits);
    showPage(data, true);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-tertulia-article]"), mount);
})();
