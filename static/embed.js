// Tertulia embed: the published comments of an article and a comment form, on any page of a
// site listed in TERTULIA_EMBED_ORIGINS. Usage:
//   <div data-tertulia-article="SLUG"></div>
//   <script src="https://comments.example.org/static/embed.js" defer></script>
// The interface speaks the page's language (<html lang>): Spanish, Portuguese or English.
(function () {
  "use strict";

  var script = document.currentScript;
  var server = new URL(script.src).origin;
  var pageLanguage = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
  // What the page is about, for the spam filter's topic check (used for that comment only).
  var described = document.querySelector('meta[name="description"]');
  var pageDescription = described ? (described.getAttribute("content") || "").slice(0, 500) : "";

  var TEXTS = {
    en: {
      comments: "Comments", none: "No comments yet. Be the first.", reply: "Reply",
      replyingTo: "Replying to", cancel: "cancel", name: "Name", email: "Email",
      emailHint: "never published", comment: "Comment", send: "Send comment",
      sending: "Sending…", pending: "Thank you! Your comment is awaiting moderation.",
      published: "Thank you! Your comment is published.",
      unreachable: "The comment server could not be reached. Your text is still here.",
      unavailable: "Comments could not be loaded.",
      notifyPublished: "Email me when my comment is published",
      notifyReplies: "Email me when someone replies to it"
    },
    es: {
      comments: "Comentarios", none: "Aún no hay comentarios. Sé la primera persona en comentar.",
      reply: "Responder", replyingTo: "Respondiendo a", cancel: "cancelar", name: "Nombre",
      email: "Correo", emailHint: "nunca se publica", comment: "Comentario",
      send: "Enviar comentario", sending: "Enviando…",
      pending: "¡Gracias! Tu comentario espera moderación.",
      published: "¡Gracias! Tu comentario está publicado.",
      unreachable: "No se pudo contactar el servidor de comentarios. Tu texto sigue aquí.",
      unavailable: "No se pudieron cargar los comentarios.",
      notifyPublished: "Avísenme por correo cuando se publique mi comentario",
      notifyReplies: "Avísenme por correo cuando alguien le responda"
    },
    pt: {
      comments: "Comentários", none: "Ainda não há comentários. Seja a primeira pessoa a comentar.",
      reply: "Responder", replyingTo: "Respondendo a", cancel: "cancelar", name: "Nome",
      email: "E-mail", emailHint: "nunca é publicado", comment: "Comentário",
      send: "Enviar comentário", sending: "Enviando…",
      pending: "Obrigado! Seu comentário aguarda moderação.",
      published: "Obrigado! Seu comentário foi publicado.",
      unreachable: "Não foi possível contatar o servidor de comentários. Seu texto continua aqui.",
      unavailable: "Não foi possível carregar os comentários.",
      notifyPublished: "Avisem-me por e-mail quando meu comentário for publicado",
      notifyReplies: "Avisem-me por e-mail quando alguém responder"
    }
  };
  var t = TEXTS[pageLanguage] || TEXTS.en;

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

  function field(id, label, hint, input) {
    var error = el("span", { "class": "tertulia-error", id: id + "-error", role: "alert" });
    input.id = id;
    input.setAttribute("aria-describedby", id + "-error");
    var labelNode = el("label", { "for": id }, [label]);
    if (hint) labelNode.appendChild(el("small", {}, [" (" + hint + ")"]));
    return { node: el("p", { "class": "tertulia-field" }, [labelNode, input, error]), input: input, error: error };
  }

  function mount(container) {
    var slug = container.getAttribute("data-tertulia-article");
    var api = server + "/api/v1/articles/" + encodeURIComponent(slug) + "/comments";
    var prefix = "tertulia-" + slug.replace(/[^a-z0-9_-]/gi, "");
    var parentId = null;

    var thread = el("div", { "class": "tertulia-thread" });
    var status = el("p", { "class": "tertulia-status", role: "status" });
    var replying = el("p", { "class": "tertulia-replying", hidden: "" });
    var name = field(prefix + "-name", t.name, "", el("input", { name: "name", autocomplete: "name" }));
    var email = field(prefix + "-email", t.email, t.emailHint, el("input", { name: "email", type: "email", autocomplete: "email" }));
    var body = field(prefix + "-body", t.comment, "markdown", el("textarea", { name: "body", rows: "5" }));
    function tick(name, label) {
      var box = el("input", { type: "checkbox", name: name, id: prefix + "-" + name });
      return { box: box, node: el("p", { "class": "tertulia-notify" }, [box, " ", el("label", { "for": prefix + "-" + name }, [label])]) };
    }
    var notifyPublished = tick("notify_published", t.notifyPublished);
    var notifyReplies = tick("notify_replies", t.notifyReplies);
    var send = el("button", { type: "submit" }, [t.send]);
    var formError = el("p", { "class": "tertulia-error", role: "alert" });
    var form = el("form", { "class": "tertulia-form", novalidate: "" },
      [replying, name.node, email.node, body.node, notifyPublished.node, notifyReplies.node, formError, el("p", {}, [send])]);
    var fields = { name: name, email: email, body: body };

    container.textContent = "";
    container.appendChild(el("h2", {}, [t.comments]));
    container.appendChild(thread);
    container.appendChild(status);
    container.appendChild(form);

    function replyTo(comment) {
      parentId = comment.id;
      replying.textContent = t.replyingTo + " " + comment.author_name + " · ";
      var cancel = el("button", { type: "button", "class": "tertulia-link" }, [t.cancel]);
      cancel.addEventListener("click", function () { parentId = null; replying.hidden = true; });
      replying.appendChild(cancel);
      replying.hidden = false;
      body.input.focus();
    }

    function renderThread(comments) {
      thread.textContent = "";
      if (!comments.length) {
        thread.appendChild(el("p", { "class": "tertulia-empty" }, [t.none]));
        return;
      }
      var lists = { root: el("ol", { "class": "tertulia-comments" }) };
      var published = {};
      comments.forEach(function (comment) { published[comment.id] = true; });
      comments.forEach(function (comment) {
        var reply = el("button", { type: "button", "class": "tertulia-link" }, [t.reply]);
        reply.addEventListener("click", function () { replyTo(comment); });
        var text = el("div", { "class": "tertulia-body" });
        text.innerHTML = comment.body_html;  // sanitised by the server (allow-list, no scripts)
        var item = el("li", { id: prefix + "-comment-" + comment.id, "class": "tertulia-comment" }, [
          el("p", { "class": "tertulia-meta" }, [
            el("strong", {}, [comment.author_name]), " ",
            el("time", { datetime: comment.created_at }, [new Date(comment.created_at).toLocaleString(pageLanguage || undefined)]),
            " ", reply
          ]),
          text
        ]);
        lists[comment.id] = el("ol", { "class": "tertulia-comments" });
        item.appendChild(lists[comment.id]);
        var parent = comment.parent_id && published[comment.parent_id] ? lists[comment.parent_id] : lists.root;
        parent.appendChild(item);
      });
      thread.appendChild(lists.root);
    }

    // The server says how long each field may be (one definition, also behind its own form).
    function applyLimits(limits) {
      Object.keys(fields).forEach(function (key) {
        if (limits && limits[key]) fields[key].input.setAttribute("maxlength", String(limits[key]));
      });
    }

    function load() {
      return fetch(api).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) { applyLimits(data.limits); renderThread(data.comments); }, function () {
        thread.textContent = t.unavailable;
      });
    }

    function showErrors(errors) {
      Object.keys(fields).forEach(function (key) {
        fields[key].error.textContent = errors[key] || "";
        if (errors[key]) fields[key].input.setAttribute("aria-invalid", "true");
        else fields[key].input.removeAttribute("aria-invalid");
      });
      formError.textContent = Object.keys(errors).filter(function (key) { return !fields[key]; })
        .map(function (key) { return errors[key]; }).join(" ");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send.disabled = true;
      send.textContent = t.sending;
      status.textContent = "";
      var payload = {
        name: name.input.value, email: email.input.value, body: body.input.value, page_language: pageLanguage || null,
        notify_published: notifyPublished.box.checked, notify_replies: notifyReplies.box.checked
      };
      if (pageDescription) payload.page_description = pageDescription;
      if (parentId !== null) payload.parent_id = parentId;
      fetch(api, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) })
        .then(function (response) {
          return response.json().then(function (data) { return { status: response.status, data: data }; });
        })
        .then(function (answer) {
          if (answer.status === 201 || answer.status === 202) {
            showErrors({});
            body.input.value = "";
            parentId = null;
            replying.hidden = true;
            status.textContent = answer.status === 201 ? t.published : t.pending;
            if (answer.status === 201) load();
          } else {
            showErrors(answer.data.errors || {});
          }
        }, function () { showErrors({ request: t.unreachable }); })
        .then(function () { send.disabled = false; send.textContent = t.send; });
    });

    load();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-tertulia-article]"), mount);
})();
