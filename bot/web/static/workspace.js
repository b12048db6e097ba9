// The HR workspace: articles, inbox, events and positions (with a date's seats, cancellation and
// reverse Q&A questions), ambassadors, team coffees, the console's canned replies, model,
// the talent community's figures, dashboard, audit log.
// Everything HR, candidates or colleagues typed goes into the page with textContent only.
"use strict";

(function () {
  var role = document.querySelector('meta[name="role"]').content;
  var view = document.getElementById("view");
  var badge = document.getElementById("model-badge");
  var API = "/console/api/hr";
  var LANGS = ["fr", "en"];
  var LANG_NAMES = { fr: "Français", en: "English" };
  var REASONS = {
    no_answer: "« je ne sais pas »", clarify: "réponse hésitante (choix proposé)",
    low_confidence: "réponse peu sûre", not_helpful: "jugée inutile (pouce bas)",
    human_request: "demande d'un humain", callback: "question laissée pour rappel",
    stale: "réponse non revérifiée"
  };
  var BUILD_STATUS = {
    queued: "en file", training: "entraînement", checking: "vérification",
    awaiting_confirmation: "à confirmer", deploying: "mise en ligne", live: "en ligne",
    failed: "échec", rejected: "refusé", superseded: "remplacé"
  };
  var EVENT_KINDS = {
    open_house: "Portes ouvertes", team_coffee: "Café équipe",
    reverse_qa: "Questions inversées", hackathon: "Ardoise Hack"
  };
  var poll = null;
  var generation = 0;  // bumped at every navigation: late answers for an old view are dropped

  function stillHere() {
    var mine = generation;
    return function () { return mine === generation; };
  }

  // ------------------------------------------------------------ helpers

  var el = window.ArdoiseStaff.el;
  var api = window.ArdoiseStaff.api;

  function day(iso) {
    if (!iso) { return "—"; }
    // A calendar date ("2026-11-26") is that day everywhere, not midnight UTC.
    var only = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (only) { return only[3] + "/" + only[2] + "/" + only[1]; }
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleDateString("fr-FR");
  }

  function when(iso) {
    if (!iso) { return "—"; }
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1).replace(".", ",") + " %";
  }

  function title(text) {
    view.textContent = "";
    var heading = el("h2", { text: text });
    view.appendChild(heading);
    return heading;
  }

  function notice(text, kind) {
    return el("p", { "class": "notice " + (kind || ""), role: kind === "error" ? "alert" : "status", text: text });
  }

  var FIELD_NAMES = {
    id: "Identifiant", topic: "Thème", team: "Équipe", status: "Statut", tags: "Étiquettes", related: "Articles liés",
    links: "Liens", reviewed: "Revu le", title: "Titre", answer: "Réponse", questions: "Questions d'exemple",
    question: "Question", item_ids: "Éléments", article: "Article",
    name: "Nom", role: "Poste", languages: "Langues", windows: "Créneaux de la semaine", cap: "Cafés par semaine",
    bio_fr: "Présentation (français)", bio_en: "Présentation (anglais)", consent: "Consentement", email: "E-mail",
    active: "Actif", first_day: "Premier jour", last_day: "Dernier jour", upcoming: "Cafés à venir",
    text_fr: "Texte en français", text_en: "Texte en anglais"
  };

  // "en.questions.3" -> "Questions d'exemple (anglais) n° 4": HR reads field names, not paths.
  function fieldName(path) {
    var parts = String(path || "").split(".");
    var language = parts[0] === "fr" ? " (français)" : parts[0] === "en" ? " (anglais)" : "";
    if (language) { parts.shift(); }
    if (!parts.length || !parts[0]) { return language ? "Texte" + language : "Article"; }
    var name = FIELD_NAMES[parts[0]] || parts[0];
    var index = parts.length > 1 && /^\d+$/.test(parts[1]) ? " n° " + (Number(parts[1]) + 1) : "";
    return name + language + index;
  }

  function problemsList(problems) {
    return el("ul", { "class": "problems", role: "alert" }, (problems || []).map(function (p) {
      return el("li", { "data-field": p.field || "", text: (p.field ? fieldName(p.field) + " : " : "") + p.message });
    }));
  }

  function field(label, control, hint) {
    var id = control.id || ("f-" + Math.random().toString(36).slice(2));
    control.id = id;
    return el("div", { "class": "field" }, [
      el("label", { "for": id, text: label }), control,
      hint ? el("p", { "class": "hint", text: hint }) : null
    ]);
  }

  function input(name, value, attrs) {
    var node = el("input", Object.assign({ name: name }, attrs || {}));
    node.value = value === null || value === undefined ? "" : String(value);
    return node;
  }

  function textarea(name, value, rows, attrs) {
    var node = el("textarea", Object.assign({ name: name, rows: String(rows || 4) }, attrs || {}));
    node.value = value || "";
    return node;
  }

  function select(name, options, value) {
    var node = el("select", { name: name }, Object.keys(options).map(function (key) {
      return el("option", { value: key, text: options[key] });
    }));
    node.value = value || "";
    return node;
  }

  function button(text, handler, kind) {
    var node = el("button", { type: "button", "class": kind || "", text: text });
    node.addEventListener("click", handler);
    return node;
  }

  // A button that asks once more in place (no native dialog): "Sure? Yes / No".
  function confirming(text, question, handler, kind) {
    var box = el("span", { "class": "confirming" });
    var first = button(text, function () {
      first.hidden = true;
      var yes = button("Oui, " + text.toLowerCase(), function () { box.textContent = ""; box.appendChild(first); first.hidden = false; handler(); }, "primary");
      var no = button("Non", function () { box.textContent = ""; box.appendChild(first); first.hidden = false; first.focus(); }, "quiet");
      box.appendChild(el("span", { "class": "ask", role: "alert", text: question }));
      box.appendChild(yes);
      box.appendChild(no);
      yes.focus();
    }, kind);
    box.appendChild(first);
    return box;
  }

  // ------------------------------------------------------------ router

  var routes = {
    articles: showArticles, article: showEditor, "new": showEditor, inbox: showInbox,
    records: showRecords, ambassadors: showAmbassadors, coffees: showCoffees, replies: showReplies, model: showModel, community: showCommunity,
    dashboard: showDashboard, audit: showAudit
  };

  function route() {
    generation += 1;
    if (poll) { clearInterval(poll); poll = null; }
    var hash = decodeURIComponent(window.location.hash.slice(1)) || (role === "hr" ? "articles" : "dashboard");
    var parts = hash.split("/");
    var name = parts[0];
    if (role !== "hr" && name !== "dashboard") { name = "dashboard"; }
    document.querySelectorAll(".tabs a").forEach(function (a) {
      var current = a.getAttribute("data-tab") === (name === "article" || name === "new" ? "articles" : name);
      if (current) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    (routes[name] || showArticles)(parts.slice(1).join("/"), name);
    view.focus();
  }

  // ------------------------------------------------------------ articles

  function showArticles() {
    title("Articles de la base de connaissances");
    var params = new URLSearchParams(sessionStorage.getItem("ws-article-filters") || "");
    var form = el("form", { "class": "filters", role: "search" });
    var q = input("q", params.get("q"), { type: "search", maxlength: "200", placeholder: "mot, question, identifiant…" });
    var topic = input("topic", params.get("topic"), { maxlength: "64", list: "topics" });
    var language = select("language", { "": "toutes", fr: "français incomplet", en: "anglais incomplet" }, params.get("language"));
    var status = select("status", { "": "tous", published: "publié", draft: "brouillon" }, params.get("status"));
    var stale = el("input", { type: "checkbox", name: "stale", id: "stale" });
    stale.checked = params.get("stale") === "1";
    form.appendChild(field("Chercher", q));
    form.appendChild(field("Thème", topic));
    form.appendChild(field("Langue", language));
    form.appendChild(field("Statut", status));
    form.appendChild(el("div", { "class": "field check" }, [stale, el("label", { "for": "stale", text: "à revoir seulement (plus de 6 mois)" })]));
    form.appendChild(el("button", { type: "submit", text: "Filtrer" }));
    var create = el("a", { href: "#new", "class": "button primary", text: "Nouvel article" });
    view.appendChild(el("div", { "class": "bar" }, [form, create]));
    var list = el("div", { "class": "table-wrap" });
    view.appendChild(list);
    function load() {
      var query = new URLSearchParams();
      if (q.value.trim()) { query.set("q", q.value.trim()); }
      if (topic.value.trim()) { query.set("topic", topic.value.trim()); }
      if (language.value) { query.set("language", language.value); }
      if (status.value) { query.set("status", status.value); }
      if (stale.checked) { query.set("stale", "1"); }
      sessionStorage.setItem("ws-article-filters", query.toString());
      list.textContent = "";
      var here = stillHere();
      api("GET", API + "/articles?" + query.toString()).then(function (reply) {
        if (!here()) { return; }
        if (!reply.ok) { list.appendChild(notice(reply.data.error, "error")); return; }
        renderArticleTable(list, reply.data.articles || []);
      });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    load();
  }

  function renderArticleTable(container, articles) {
    var topics = {};
    articles.forEach(function (a) { topics[a.topic] = true; });
    container.appendChild(el("datalist", { id: "topics" }, Object.keys(topics).sort().map(function (t) {
      return el("option", { value: t });
    })));
    container.appendChild(el("p", { "class": "meta", text: articles.length + " article(s)" }));
    if (!articles.length) { container.appendChild(el("p", { "class": "empty", text: "Aucun article ne correspond." })); return; }
    var rows = articles.map(function (a) {
      var titles = a.titles || {};
      var counts = a.question_counts || {};
      var flags = [];
      if (a.stale) { flags.push(el("span", { "class": "flag stale", text: "à revoir" })); }
      (a.missing_languages || []).forEach(function (l) { flags.push(el("span", { "class": "flag", text: l + " manquant" })); });
      return el("tr", { "data-article": a.id }, [
        el("td", {}, [el("a", { href: "#article/" + encodeURIComponent(a.id), text: titles.fr || titles.en || a.id }),
          el("div", { "class": "sub", text: a.id })]),
        el("td", { text: a.topic }),
        el("td", {}, [el("span", { "class": "status " + a.status, text: a.status === "published" ? "publié" : "brouillon" })]),
        el("td", {}, [document.createTextNode(day(a.reviewed_on)), el("div", {}, flags)]),
        el("td", { text: LANGS.map(function (l) { return l + " " + (counts[l] || 0); }).join(" · ") }),
        el("td", { text: (a.last_author || "—") + " · " + day(a.updated_at) })
      ]);
    });
    container.appendChild(el("table", { "class": "grid" }, [
      el("thead", {}, [el("tr", {}, ["Article", "Thème", "Statut", "Revu le", "Exemples", "Dernière modif."].map(function (h) {
        return el("th", { scope: "col", text: h });
      }))]),
      el("tbody", {}, rows)
    ]));
  }

  function blankArticle() {
    return { id: "", topic: "", team: "", status: "draft", tags: [], related: [], links: [], reviewed: "",
      fr: { title: "", answer: "", questions: [] }, en: { title: "", answer: "", questions: [] } };
  }

  function showEditor(articleId, name) {
    var creating = name === "new";
    title(creating ? "Nouvel article" : "Article " + articleId);
    if (creating) {
      var prefill = JSON.parse(sessionStorage.getItem("ws-new-article") || "null");
      sessionStorage.removeItem("ws-new-article");
      var doc = blankArticle();
      if (prefill) { doc[prefill.language].questions = [prefill.question]; }
      renderEditor(doc, null, prefill ? prefill.items : [], true);
      return;
    }
    var here = stillHere();
    api("GET", API + "/articles/" + encodeURIComponent(articleId)).then(function (reply) {
      if (!here()) { return; }
      if (!reply.ok) { view.appendChild(notice(reply.data.error, "error")); return; }
      renderEditor(reply.data.article, reply.data.revision, [], false);
    });
  }

  function lines(text) {
    return text.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
  }

  function commaList(text) {
    return text.split(",").map(function (l) { return l.trim(); }).filter(Boolean);
  }

  function renderEditor(doc, revision, fromInbox, creating) {
    var form = el("form", { "class": "editor", novalidate: true });
    var problems = el("div", { "class": "problems-box" });
    var common = el("fieldset", { "class": "common" }, [el("legend", { text: "Article" })]);
    var id = input("id", doc.id, { maxlength: "64", required: true, readonly: creating ? null : true, pattern: "[a-z0-9][a-z0-9-]*" });
    common.appendChild(field("Identifiant", id, creating ? "minuscules, chiffres et tirets, ex. remote-policy" : null));
    var topic = input("topic", doc.topic, { maxlength: "64", required: true });
    common.appendChild(field("Thème", topic));
    var team = input("team", doc.team, { maxlength: "64", required: true });
    common.appendChild(field("Équipe responsable", team));
    var status = select("status", { draft: "brouillon", published: "publié" }, doc.status);
    common.appendChild(field("Statut", status));
    var reviewed = input("reviewed", doc.reviewed || "", { type: "date" });
    var reviewedToday = button("Relu aujourd'hui", function () { reviewed.value = isoDay(new Date()); }, "quiet");
    common.appendChild(el("div", {}, [field("Revu le", reviewed, "l'article est signalé « à revoir » après 6 mois"), reviewedToday]));
    var tags = input("tags", (doc.tags || []).join(", "), { maxlength: "500" });
    common.appendChild(field("Étiquettes", tags, "séparées par des virgules"));
    var related = input("related", (doc.related || []).join(", "), { maxlength: "500" });
    common.appendChild(field("Articles liés", related, "identifiants séparés par des virgules"));
    var links = textarea("links", (doc.links || []).map(function (l) {
      return [l.url, l.fr || "", l.en || ""].join(" | ");
    }).join("\n"), 3);
    common.appendChild(field("Liens", links, "un par ligne : adresse | libellé français | libellé anglais"));
    form.appendChild(common);

    var columns = el("div", { "class": "languages" });
    var texts = {};
    LANGS.forEach(function (lang) {
      var text = doc[lang] || { title: "", answer: "", questions: [] };
      var set = el("fieldset", { "class": "language", lang: lang }, [el("legend", { text: LANG_NAMES[lang] })]);
      texts[lang] = {
        title: input(lang + ".title", text.title, { maxlength: "200", id: "f-" + lang + "-title" }),
        answer: textarea(lang + ".answer", text.answer, 8, { maxlength: "2000", id: "f-" + lang + "-answer" }),
        questions: textarea(lang + ".questions", (text.questions || []).join("\n"), 10, { id: "f-" + lang + "-questions" })
      };
      set.appendChild(field("Titre", texts[lang].title));
      set.appendChild(field("Réponse", texts[lang].answer, "**gras**, listes « - », [libellé](https://…) ; pas de HTML"));
      var count = el("span", { "class": "hint" });
      function recount() { count.textContent = lines(texts[lang].questions.value).length + " question(s) d'exemple"; }
      texts[lang].questions.addEventListener("input", recount);
      recount();
      set.appendChild(field("Questions d'exemple (une par ligne)", texts[lang].questions));
      set.appendChild(count);
      var shown = el("div", { "class": "chat-preview", "aria-live": "polite" });
      set.appendChild(button("Aperçu dans le chat", function () { preview(lang, shown); }));
      set.appendChild(shown);
      columns.appendChild(set);
    });
    form.appendChild(columns);

    function collect() {
      var data = {
        id: id.value.trim(), topic: topic.value.trim(), team: team.value.trim(), status: status.value,
        tags: commaList(tags.value), related: commaList(related.value),
        links: lines(links.value).map(function (line) {
          var parts = line.split("|").map(function (p) { return p.trim(); });
          var link = { url: parts[0] };
          if (parts[1]) { link.fr = parts[1]; }
          if (parts[2]) { link.en = parts[2]; }
          return link;
        }),
        reviewed: reviewed.value || null
      };
      LANGS.forEach(function (lang) {
        data[lang] = { title: texts[lang].title.value, answer: texts[lang].answer.value, questions: lines(texts[lang].questions.value) };
      });
      return data;
    }

    function showProblems(list) {
      problems.textContent = "";
      form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
      if (!list || !list.length) { return; }
      problems.appendChild(el("p", { "class": "error", text: "À corriger avant d'enregistrer :" }));
      problems.appendChild(problemsList(list));
      list.forEach(function (p) {
        var name = String(p.field || "").replace(/"/g, "");
        var target = form.querySelector('[name="' + name + '"]') || form.querySelector('[name="' + name.replace(/\.\d+(\..*)?$/, "") + '"]');
        if (target) { target.setAttribute("aria-invalid", "true"); }
      });
      problems.focus();
    }

    function preview(lang, shown) {
      api("POST", API + "/preview", Object.assign(collect(), { language: lang })).then(function (reply) {
        shown.textContent = "";
        if (!reply.ok) { shown.appendChild(problemsList(reply.data.problems || [{ message: reply.data.error }])); return; }
        var bubble = el("div", { "class": "bubble" });
        bubble.appendChild(window.ArdoiseRichText.rich(reply.data.text));
        shown.appendChild(bubble);
        var buttons = reply.data.buttons || [];
        if (buttons.length) {
          shown.appendChild(el("div", { "class": "chips" }, buttons.map(function (b) { return el("span", { "class": "chip", text: b.title }); })));
        }
      });
    }

    var saved = el("div", { "aria-live": "polite" });
    var save = el("button", { type: "submit", "class": "primary", text: creating ? "Créer l'article" : "Enregistrer" });
    var actions = el("div", { "class": "actions" }, [save, saved]);
    if (!creating) {
      actions.appendChild(confirming("Supprimer", "Supprimer cet article ? Ses révisions restent dans l'historique.", function () {
        api("DELETE", API + "/articles/" + encodeURIComponent(doc.id) + "?revision=" + encodeURIComponent(revision)).then(function (reply) {
          if (reply.ok) { window.location.hash = "#articles"; return; }
          showProblems(reply.data.problems || [{ message: reply.data.error }]);
        });
      }, "danger"));
    }
    problems.setAttribute("tabindex", "-1");
    form.appendChild(problems);
    form.appendChild(actions);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save.disabled = true;
      saved.textContent = "";
      var data = collect();
      data.expected_revision = revision;
      if (fromInbox && fromInbox.length) { data.from_inbox = fromInbox; }
      var request = creating ? api("POST", API + "/articles", data) : api("PUT", API + "/articles/" + encodeURIComponent(doc.id), data);
      request.then(function (reply) {
        save.disabled = false;
        if (reply.status === 422) { showProblems(reply.data.problems); return; }
        if (reply.status === 409) {
          showProblems([{ message: "Quelqu'un a enregistré cet article entre-temps (" + ((reply.data.conflict || {}).author || "?") +
            ") : rechargez la page pour repartir de sa version." }]);
          return;
        }
        if (!reply.ok) { showProblems([{ message: reply.data.error }]); return; }
        showProblems([]);
        revision = reply.data.revision;
        saved.appendChild(notice(reply.data.action === "unchanged" ? "Aucun changement." :
          "Enregistré (révision " + reply.data.revision + "). Le texte des réponses publiées est en ligne tout de suite." +
          (reply.data.retrain_needed ? " Les questions d'exemple ont changé : pensez à réentraîner le modèle." : "")));
        refreshBadge();
        if (creating) { window.location.hash = "#article/" + encodeURIComponent(reply.data.article_id); }
        else { loadRevisions(doc.id, history); }
      });
    });
    view.appendChild(form);
    var history = el("section", { "class": "history", "aria-labelledby": "history-title" });
    if (!creating) {
      view.appendChild(history);
      loadRevisions(doc.id, history);
    }
  }

  function loadRevisions(articleId, section) {
    api("GET", API + "/articles/" + encodeURIComponent(articleId) + "/revisions").then(function (reply) {
      section.textContent = "";
      section.appendChild(el("h3", { id: "history-title", text: "Historique des révisions" }));
      if (!reply.ok) { section.appendChild(notice(reply.data.error, "error")); return; }
      var revisions = reply.data.revisions || [];  // newest first
      section.appendChild(el("ol", { "class": "revisions", reversed: true }, revisions.map(function (r, index) {
        var changes = el("ul", { "class": "changes" }, (r.changes || []).map(renderChange));
        var item = el("li", { "data-revision": String(r.number) }, [
          el("p", { "class": "rev-head" }, [
            el("strong", { text: "Révision " + r.number }),
            " · " + (r.action || "") + " · " + (r.author || "?") + " · " + when(r.created_at)
          ]),
          changes
        ]);
        if (index > 0) {
          item.appendChild(confirming("Restaurer cette révision", "Une nouvelle révision reprendra ce contenu.", function () {
            api("POST", API + "/articles/" + encodeURIComponent(articleId) + "/revisions/" + r.number + "/restore", {}).then(function (answer) {
              if (!answer.ok) { item.appendChild(problemsList(answer.data.problems || [{ message: answer.data.error }])); return; }
              route();
            });
          }));
        }
        return item;
      })));
    });
  }

  function renderChange(change) {
    var item = el("li", {}, [el("span", { "class": "field-name", text: change.field }), " " + (change.summary || "")]);
    if (change.words && change.words.length) {
      item.appendChild(el("p", { "class": "words" }, change.words.map(function (step) {
        return el(step.op === "insert" ? "ins" : step.op === "delete" ? "del" : "span", { text: step.text });
      })));
    }
    if (change.added && change.added.length) {
      item.appendChild(el("ul", { "class": "added" }, change.added.map(function (q) { return el("li", {}, [el("ins", { text: stringify(q) })]); })));
    }
    if (change.removed && change.removed.length) {
      item.appendChild(el("ul", { "class": "removed" }, change.removed.map(function (q) { return el("li", {}, [el("del", { text: stringify(q) })]); })));
    }
    if (change.kind === "value") {
      item.appendChild(el("p", {}, [el("del", { text: stringify(change.before) }), " → ", el("ins", { text: stringify(change.after) })]));
    }
    return item;
  }

  function stringify(value) {
    if (value === null || value === undefined || value === "") { return "∅"; }
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  // ------------------------------------------------------------ inbox

  var articleChoices = null;
  var ARTICLE_LIST = "inbox-articles";  // the one <datalist> every inbox card's article field uses

  function loadArticleChoices() {
    if (articleChoices) { return Promise.resolve(articleChoices); }
    return api("GET", API + "/articles").then(function (reply) {
      articleChoices = (reply.data.articles || []).map(function (a) {
        var name = (a.titles || {}).fr || a.id;
        return { id: a.id, title: name, label: name + " (" + a.id + ")" };
      });
      return articleChoices;
    });
  }

  // Case and accents ignored: "teletravail" finds "Le télétravail".
  function folded(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // What HR typed in an article field -> {id} or {error} (in French). The list's own
  // "Title (id)", an id or a whole title, or a part of one title or id that no other shares.
  function resolveArticle(typed) {
    var wanted = folded(typed);
    if (!wanted) { return { error: "Choisissez l'article." }; }
    var choices = articleChoices || [];
    var exact = choices.filter(function (a) {
      return folded(a.label) === wanted || folded(a.id) === wanted || folded(a.title) === wanted;
    });
    if (exact.length === 1) { return { id: exact[0].id }; }
    var partial = choices.filter(function (a) { return folded(a.label).indexOf(wanted) >= 0; });
    if (partial.length === 1) { return { id: partial[0].id }; }
    if (!partial.length && !exact.length) {
      return { error: "Aucun article ne correspond à « " + String(typed).trim() + " » : choisissez-en un dans la liste." };
    }
    var names = (exact.length ? exact : partial).slice(0, 3).map(function (a) { return a.label; }).join(", ");
    return { error: "« " + String(typed).trim() + " » correspond à plusieurs articles (" + names + (partial.length > 3 ? "…" : "") + ") : précisez." };
  }

  function articleLabel(articleId) {
    var found = (articleChoices || []).filter(function (a) { return a.id === articleId; })[0];
    return found ? found.label : "";
  }

  function showInbox() {
    title("À traiter : ce que les candidats ont demandé");
    var form = el("form", { "class": "filters" });
    var reason = select("reason", Object.assign({ "": "toutes les raisons" }, REASONS), "");
    var language = select("language", { "": "toutes", fr: "français", en: "anglais" }, "");
    form.appendChild(field("Raison", reason));
    form.appendChild(field("Langue", language));
    form.appendChild(el("button", { type: "submit", text: "Filtrer" }));
    view.appendChild(form);
    var recheck = el("section", { "class": "recheck", "aria-labelledby": "recheck-title", hidden: true });
    view.appendChild(recheck);
    loadRecheck(recheck);
    var list = el("div", { "class": "groups" });
    view.appendChild(list);
    var requests = el("section", { "class": "human-requests", "aria-labelledby": "human-requests-title", hidden: true });
    view.appendChild(requests);
    // One list of the articles for every card (not one <select> of them per card).
    var articles = el("datalist", { id: ARTICLE_LIST });
    view.appendChild(articles);
    function load() {
      var query = new URLSearchParams();
      if (reason.value) { query.set("reason", reason.value); }
      if (language.value) { query.set("language", language.value); }
      var here = stillHere();
      Promise.all([api("GET", API + "/inbox?" + query.toString()), loadArticleChoices()]).then(function (results) {
        if (!here()) { return; }
        var reply = results[0];
        list.textContent = "";
        if (!articles.firstChild) {
          (articleChoices || []).forEach(function (a) { articles.appendChild(el("option", { value: a.label })); });
        }
        if (!reply.ok) { requests.hidden = true; list.appendChild(notice(reply.data.error, "error")); return; }
        var groups = reply.data.groups || [];
        var asked = reply.data.human_requests || [];
        renderHumanRequests(requests, asked);
        if (!groups.length && !asked.length) { list.appendChild(el("p", { "class": "empty", text: "Rien à traiter. Bravo !" })); return; }
        groups.forEach(function (g) { list.appendChild(renderGroup(g, load)); });
      });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    load();
  }

  // Requests for a recruiter: not questions to group, so a list of their own under the
  // groups, each with what the candidate asked just before (never who asked).
  function renderHumanRequests(section, asked) {
    section.textContent = "";
    section.hidden = !asked.length;
    if (!asked.length) { return; }
    var heading = el("h3", { id: "human-requests-title" });
    function count() {
      var left = section.querySelectorAll("li[data-item]").length;
      heading.textContent = "Demandes à parler à un recruteur (" + left + ")";
      if (!left) { section.hidden = true; }
    }
    section.appendChild(heading);
    section.appendChild(el("p", { "class": "meta", text: "Des candidats ont demandé un humain. " +
      "Voici ce qu'ils avaient demandé juste avant : une réponse à ajouter à un article, peut-être." }));
    section.appendChild(el("ul", { "class": "human-request-list" }, asked.map(function (r) {
      var result = el("span", { "class": "result", role: "status" });
      var item = el("li", { "data-item": r.id }, [
        r.question ? el("q", { "class": "question", text: r.question }) :
          el("span", { "class": "question none", text: "(aucune question avant la demande)" }),
        el("span", { "class": "meta", text: " · " + String(r.language || "").toUpperCase() + " · le " + when(r.created_at) + " " }),
        button("Ignorer", function () {
          api("POST", API + "/inbox/dismiss", { items: [r.id] }).then(function (reply) {
            if (!reply.ok) { result.textContent = reply.data.error || "Échec"; return; }
            item.remove();
            count();
            refreshInboxCount();
          });
        }, "quiet"),
        result
      ]);
      return item;
    })));
    count();
  }

  // Stale articles candidates were answered with (bot/hr/recheck.py), by owner team:
  // "still true" moves the review date to today; the editor changes the text.
  function loadRecheck(section) {
    var here = stillHere();
    api("GET", API + "/recheck").then(function (reply) {
      if (!here()) { return; }
      section.textContent = "";
      if (!reply.ok) { section.appendChild(notice(reply.data.error, "error")); return; }
      var articles = reply.data.articles || [];
      if (!articles.length) { section.hidden = true; return; }
      section.hidden = false;
      section.appendChild(el("h3", { id: "recheck-title", text: "À revérifier (" + articles.length + ")" }));
      section.appendChild(el("p", { "class": "meta", text: "Articles non vérifiés depuis plus de " +
        reply.data.review_max_days + " jours, donnés à des candidats : l'assistant les a accompagnés d'une réserve." }));
      var teams = [];
      articles.forEach(function (a) { if (teams.indexOf(a.team) < 0) { teams.push(a.team); } });
      teams.forEach(function (team) {
        var mine = articles.filter(function (a) { return a.team === team; });
        section.appendChild(el("h4", { text: TEAMS[team] || team }));
        section.appendChild(el("ul", { "class": "recheck-list", "data-team": team }, mine.map(function (a) {
          var result = el("span", { "class": "result", role: "status" });
          var item = el("li", { "data-article": a.article }, [
            el("a", { href: "#article/" + encodeURIComponent(a.article), text: a.title }),
            el("span", { "class": "meta", text: " · vérifié le " + (a.reviewed ? day(a.reviewed) : "jamais") +
              " · " + a.answers + " réponse(s) donnée(s) depuis, la dernière le " + day(a.last_answered) }),
            a.questions.length ? el("ul", { "class": "asked" }, a.questions.map(function (q) { return el("li", {}, [el("q", { text: q })]); })) : null,
            el("div", { "class": "actions" }, [button("Toujours vrai", function () {
              api("POST", API + "/recheck/" + encodeURIComponent(a.article) + "/confirm", {}).then(function (done) {
                if (!done.ok) { result.textContent = done.data.error || "Échec"; return; }
                item.replaceWith(notice("« " + a.title + " » : vérifié aujourd'hui, l'assistant ne met plus de réserve."));
              });
            }), result])
          ]);
          return item;
        })));
      });
    });
  }

  function renderGroup(group, reload) {
    var reasons = Object.keys(group.reasons || {}).map(function (r) {
      return el("span", { "class": "tag", text: (REASONS[r] || r) + " × " + group.reasons[r] });
    });
    var card = el("article", { "class": "group", "data-items": group.item_ids.join(" ") }, [
      el("p", { "class": "group-head" }, [
        el("span", { "class": "count", text: String(group.count) }),
        el("q", { "class": "question", text: group.text })
      ]),
      el("div", { "class": "tags" }, [el("span", { "class": "tag", text: String(group.language || "").toUpperCase() })].concat(reasons)),
      el("p", { "class": "meta", text: "vu du " + day(group.first_seen) + " au " + day(group.last_seen) })
    ]);
    var variants = group.variants || [];
    if (variants.length > 1) {
      card.appendChild(el("details", {}, [el("summary", { text: "Formulations (" + variants.length + ")" }),
        el("ul", {}, variants.map(function (v) { return el("li", { text: v.text + (v.count > 1 ? " × " + v.count : "") }); }))]));
    }
    var question = input("question", group.placeholder ? "" : group.text, { maxlength: "300" });
    var choice = input("article", articleLabel(group.suggested_article), { list: ARTICLE_LIST, autocomplete: "off",
      placeholder: "titre ou identifiant", spellcheck: "false" });
    var chosen = el("p", { "class": "hint chosen", "aria-live": "polite" });
    function showChosen() {
      var found = resolveArticle(choice.value);
      chosen.textContent = found.id && folded(choice.value) !== folded(articleLabel(found.id)) ? "→ " + articleLabel(found.id) : "";
    }
    var result = el("div", { "aria-live": "polite" });
    choice.addEventListener("input", function () {
      if (choice.hasAttribute("aria-invalid")) { choice.removeAttribute("aria-invalid"); result.textContent = ""; }
      showChosen();
    });
    var add = el("form", { "class": "add-example" }, [
      field("Question d'exemple (" + String(group.language || "").toUpperCase() + ")", question),
      el("div", {}, [field("Article", choice), chosen]),
      el("button", { type: "submit", "class": "primary", text: "Ajouter comme exemple" })
    ]);
    add.addEventListener("submit", function (event) {
      event.preventDefault();
      var found = resolveArticle(choice.value);
      choice.removeAttribute("aria-invalid");
      result.textContent = "";
      if (!found.id) { choice.setAttribute("aria-invalid", "true"); result.appendChild(notice(found.error, "error")); choice.focus(); return; }
      api("POST", API + "/inbox/add", { items: group.item_ids, article: found.id, question: question.value }).then(function (reply) {
        result.textContent = "";
        if (!reply.ok) { result.appendChild(problemsList(reply.data.problems || [{ message: reply.data.error }])); return; }
        card.replaceWith(notice("Ajouté à « " + (articleLabel(found.id) || found.id) + " ». Le modèle doit être réentraîné pour l'apprendre."));
        refreshBadge();
      });
    });
    card.appendChild(add);
    card.appendChild(el("div", { "class": "actions" }, [
      button("Nouvel article à partir de cette question", function () {
        sessionStorage.setItem("ws-new-article", JSON.stringify({ question: question.value, language: group.language === "en" ? "en" : "fr", items: group.item_ids }));
        window.location.hash = "#new";
      }),
      button("Ignorer", function () {
        api("POST", API + "/inbox/dismiss", { items: group.item_ids }).then(function (reply) {
          if (reply.ok) { card.remove(); } else { result.appendChild(notice(reply.data.error, "error")); }
        });
      }, "quiet")
    ]));
    card.appendChild(result);
    return card;
  }

  // ------------------------------------------------------------ events and positions

  function showRecords() {
    title("Événements et postes ouverts");
    view.appendChild(el("p", { "class": "meta", text: "L'assistant cite ces dates et ces postes tels qu'ils sont ici, dès leur enregistrement." }));
    var events = el("section", { "aria-labelledby": "events-title" }, [el("h3", { id: "events-title", text: "Prochains événements" })]);
    var jobs = el("section", { "aria-labelledby": "jobs-title" }, [el("h3", { id: "jobs-title", text: "Postes" })]);
    view.appendChild(events);
    view.appendChild(jobs);
    loadRecords("events", events);
    loadRecords("jobs", jobs);
  }

  // The teams' French names, as the assistant says them (bot/core/meeting_texts.py TEAMS["fr"]).
  var TEAMS = { platform: "Plateforme", data_ml: "Data & ML", product_engineering: "Ingénierie produit", mobile: "Mobile",
    design: "Design", customer_success: "Customer Success", sales: "Ventes", people: "People (RH)" };
  var RECORD_FIELDS = {
    events: [
      ["kind", "Type", "select", EVENT_KINDS], ["date", "Date", "date"], ["end_date", "Jusqu'au (plusieurs jours)", "date"],
      ["start_time", "Début", "time"], ["end_time", "Fin", "time"],
      ["place_fr", "Lieu (fr)", "text"], ["place_en", "Lieu (en)", "text"], ["note_fr", "Note (fr)", "text"], ["note_en", "Note (en)", "text"],
      ["status", "Statut", "select", { scheduled: "prévu", cancelled: "annulé" }]
    ],
    jobs: [
      ["title_fr", "Intitulé (fr)", "text"], ["title_en", "Intitulé (en)", "text"], ["team", "Équipe", "select", TEAMS],
      ["location_fr", "Lieu (fr)", "text"], ["location_en", "Lieu (en)", "text"],
      ["salary_min", "Salaire min. (€ brut/an)", "number"], ["salary_max", "Salaire max. (€ brut/an)", "number"],
      ["salary_note_fr", "Précision salaire (fr)", "text"], ["salary_note_en", "Précision salaire (en)", "text"],
      ["article_id", "Article lié", "text"],
      // What candidates filter by in the chat (bot/candidate/jobs.py); empty: not stated.
      ["cities", "Villes (séparées par des virgules)", "list"],
      ["remote", "Télétravail", "select", { "": "non précisé", full_remote: "télétravail complet possible", hybrid: "hybride", on_site: "sur site" }],
      ["level", "Niveau", "select", { "": "non précisé", intern: "stage / alternance", junior: "junior", confirmed: "confirmé", senior: "senior" }],
      ["contract", "Contrat", "select", { "": "non précisé", permanent: "CDI", fixed_term: "CDD", internship: "stage", apprenticeship: "alternance" }],
      ["languages", "Langues demandées (fr, en)", "list"],
      ["status", "Statut", "select", { open: "ouvert", closed: "pourvu / fermé" }]
    ]
  };

  function recordForm(kind, record, done) {
    var form = el("form", { "class": "record-form" });
    var controls = {};
    RECORD_FIELDS[kind].forEach(function (spec) {
      var value = record ? record[spec[0]] : "";
      if (spec[2] === "list") { value = Array.isArray(value) ? value.join(", ") : ""; }
      var control = spec[2] === "select" ? select(spec[0], spec[3], value || Object.keys(spec[3])[0]) :
        input(spec[0], value, { type: spec[2] === "list" ? "text" : spec[2], maxlength: "500" });
      controls[spec[0]] = control;
      form.appendChild(field(spec[1], control));
    });
    var problems = el("div", { "aria-live": "polite" });
    form.appendChild(el("div", { "class": "actions" }, [el("button", { type: "submit", "class": "primary", text: record ? "Enregistrer" : "Ajouter" }),
      button("Annuler", function () { done(false); }, "quiet")]));
    form.appendChild(problems);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = {};
      Object.keys(controls).forEach(function (key) { data[key] = controls[key].value.trim() === "" ? null : controls[key].value; });
      var request = record ? api("PUT", API + "/" + kind + "/" + encodeURIComponent(record.id), data) : api("POST", API + "/" + kind, data);
      request.then(function (reply) {
        problems.textContent = "";
        if (!reply.ok) {
          var errors = reply.data.errors || {};
          var list = Object.keys(errors).map(function (k) { return { field: k, message: errors[k] }; });
          problems.appendChild(problemsList(list.length ? list : [{ message: reply.data.error }]));
          return;
        }
        done(true);
      });
    });
    return form;
  }

  function loadRecords(kind, section, message) {
    var head = section.querySelector("h3");
    section.textContent = "";
    section.appendChild(head);
    var said = el("div", { "class": "records-result", "aria-live": "polite" }, [message || null]);
    section.appendChild(said);
    var here = stillHere();
    // Past dates too, on request: HR turns a reverse Q&A's answers into drafts after the session.
    var all = kind === "events" && sessionStorage.getItem("ws-past-events") === "1";
    api("GET", API + "/" + kind + (all ? "?all=1" : "")).then(function (reply) {
      if (!here()) { return; }
      if (!reply.ok) { section.appendChild(notice(reply.data.error, "error")); return; }
      var rows = reply.data[kind] || [];
      var editor = el("div", {});
      section.appendChild(button(kind === "events" ? "Ajouter un événement" : "Ajouter un poste", function () {
        editor.textContent = "";
        editor.appendChild(recordForm(kind, null, function (changed) { if (changed) { loadRecords(kind, section); } else { editor.textContent = ""; } }));
      }));
      if (kind === "events") {
        var past = el("input", { type: "checkbox", id: "past-events" });
        past.checked = all;
        past.addEventListener("change", function () {
          sessionStorage.setItem("ws-past-events", past.checked ? "1" : "0");
          loadRecords(kind, section);
        });
        section.appendChild(el("div", { "class": "field check" }, [past,
          el("label", { "for": "past-events", text: "Afficher aussi les dates passées (questions des sessions terminées)" })]));
      }
      section.appendChild(editor);
      var columns = kind === "events" ?
        [["kind", function (r) { return EVENT_KINDS[r.kind] || r.kind; }],
          ["date", function (r) { return day(r.date) + (r.end_date ? " → " + day(r.end_date) : ""); }],
          ["start", function (r) { return (r.start_time || "") + (r.end_time ? "–" + r.end_time : ""); }], ["place", function (r) { return r.place_fr || r.place_en || ""; }],
          ["status", function (r) { return r.status === "cancelled" ? "annulé" : "prévu"; }]] :
        [["title", function (r) { return r.title_fr || r.title_en; }], ["team", function (r) { return TEAMS[r.team] || r.team; }],
          ["location", function (r) { return r.location_fr || r.location_en; }],
          ["salary", function (r) { return r.salary_min ? r.salary_min + "–" + r.salary_max + " €" : ""; }],
          ["status", function (r) { return r.status === "open" ? "ouvert" : "fermé"; }]];
      var labels = kind === "events" ? ["Type", "Date", "Heure", "Lieu", "Statut", ""] : ["Poste", "Équipe", "Lieu", "Salaire", "Statut", ""];
      var body = el("tbody", {}, rows.map(function (r) {
        var row = el("tr", { "data-record": String(r.id) }, columns.map(function (c) { return el("td", { text: c[1](r) || "" }); }));
        // An article stating another salary range than this record (bot/records/consistency.py).
        // An event article stating other seats or hours than this date (bot/events/figures.py).
        (kind === "events" ? r.article_mismatches || [] : []).forEach(function (m) {
          row.children[2].appendChild(el("span", { "class": "flag mismatch", text: "l'article « " + m.article + " » (" +
            String(m.language).toUpperCase() + ") annonce " + (m.figure === "seats" ? m.stated + " places, cette date en a " + m.recorded :
            m.stated + ", cette date : " + m.recorded) + " ; corrigez l'article ou la fiche" }));
        });
        (kind === "events" ? [] : r.article_mismatches || []).forEach(function (m) {
          row.children[3].appendChild(el("span", { "class": "flag mismatch", text: "l'article « " + m.article + " » (" +
            String(m.language).toUpperCase() + ") annonce " + m.stated[0] + "–" + m.stated[1] + " € : l'assistant donne celle de la fiche" }));
        });
        row.appendChild(el("td", {}, [button("Modifier", function () {
          editor.textContent = "";
          editor.appendChild(recordForm(kind, r, function (changed) { if (changed) { loadRecords(kind, section); } else { editor.textContent = ""; } }));
          editor.querySelector("input, select").focus();
        }), kind === "events" && r.kind !== "team_coffee" ? button("Places et inscriptions", function () {
          datePanel(r, editor, function (shown) { loadRecords(kind, section, shown); });
          editor.scrollIntoView({ block: "nearest" });
        }, "terms") : null, confirming("Supprimer", "Supprimer cet enregistrement ?", function () {
          api("DELETE", API + "/" + kind + "/" + encodeURIComponent(r.id)).then(function (reply) {
            if (!reply.ok) {
              said.textContent = "";
              said.appendChild(notice(deleteRefusal(reply.data), "error"));
              return;
            }
            loadRecords(kind, section);
          });
        }, "quiet")]));
        return row;
      }));
      section.appendChild(el("div", { "class": "table-wrap" }, [el("table", { "class": "grid" }, [
        el("thead", {}, [el("tr", {}, labels.map(function (l) { return el("th", { scope: "col", text: l }); }))]), body])]));
    });
  }

  // ------------------------------------------------------------ one date's registrations (issue 12)

  // The 409 of a delete, said plainly: deleting would erase candidates' registrations.
  function deleteRefusal(data) {
    if (data.code !== "event_has_registrations") { return data.error || "Erreur"; }
    return "Suppression impossible : " + data.registrations + " inscription(s) de candidat·e(s) à cette date. " +
      "Annulez plutôt la date (« Places et inscriptions » puis « Annuler la date ») : les inscrits recevront nos " +
      "excuses et les prochaines dates.";
  }

  // Seats, deadline (office time) and video link of a date, its cancellation, and for a
  // reverse Q&A its questions, the answered ones becoming article drafts.
  function datePanel(record, box, reloadList) {
    box.textContent = "";
    var panel = el("section", { "class": "date-panel", "data-record": String(record.id), "aria-label": "Places et inscriptions" });
    box.appendChild(panel);
    var here = stillHere();
    api("GET", API + "/events/" + encodeURIComponent(record.id) + "/terms").then(function (reply) {
      if (!here()) { return; }
      if (!reply.ok) { panel.appendChild(notice(reply.data.error || "Erreur", "error")); return; }
      renderDatePanel(panel, reply.data, reloadList);
    });
  }

  function renderDatePanel(panel, terms, reloadList) {
    panel.textContent = "";
    panel.appendChild(el("h4", { text: (EVENT_KINDS[terms.kind] || terms.kind) + " du " + day(terms.date) }));
    var seats = el("p", { "class": "meta seats", text: "Places prises : " + terms.seats_taken + " / " + terms.capacity +
      " · liste d'attente : " + terms.waitlist + (terms.questions ? " · questions : " + terms.questions : "") +
      (terms.status === "cancelled" ? " · date annulée" : "") });
    panel.appendChild(seats);
    var form = el("form", { "class": "terms-form", novalidate: true });
    var capacity = input("capacity", terms.capacity_set, { type: "number", min: "1", max: "10000", step: "1",
      placeholder: String(terms.default_capacity) });
    var deadline = input("deadline", terms.deadline_set ? terms.deadline_local : "", { type: "datetime-local" });
    deadline.setAttribute("placeholder", terms.deadline_local);
    var video = input("video_url", terms.video_url, { type: "url", maxlength: "500", placeholder: "https://…" });
    form.appendChild(field("Places", capacity, "vide : " + terms.default_capacity + " (par défaut)"));
    form.appendChild(field("Clôture des inscriptions (heure du bureau)", deadline,
      "vide : par défaut (" + terms.deadline_local.replace("T", " à ") + ")"));
    form.appendChild(field("Lien visio", video, terms.online ? "envoyé aux inscrits" : "pour une date en ligne"));
    var result = el("div", { "class": "terms-result", "aria-live": "polite" });
    form.appendChild(el("div", { "class": "actions" }, [el("button", { type: "submit", "class": "primary", text: "Enregistrer les conditions" })]));
    form.appendChild(result);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {
        capacity: capacity.value.trim() === "" ? null : Number(capacity.value),
        deadline: deadline.value || null,
        video_url: video.value.trim() || null
      };
      api("PUT", API + "/events/" + encodeURIComponent(terms.id) + "/terms", body).then(function (reply) {
        result.textContent = "";
        [capacity, deadline, video].forEach(function (node) { node.removeAttribute("aria-invalid"); });
        if (!reply.ok) {
          var errors = reply.data.errors || {};
          var controls = { capacity: capacity, deadline: deadline, video_url: video };
          Object.keys(errors).forEach(function (k) { if (controls[k]) { controls[k].setAttribute("aria-invalid", "true"); } });
          result.appendChild(notice(reply.data.error || "Erreur", "error"));
          return;
        }
        renderDatePanel(panel, reply.data, reloadList);
        panel.querySelector(".terms-result").appendChild(notice("Conditions enregistrées." + (reply.data.offers ?
          " " + reply.data.offers + " place(s) proposée(s) à la liste d'attente." : "")));
      });
    });
    panel.appendChild(form);

    if (terms.status !== "cancelled") {
      var cancelled = el("div", { "class": "cancel-result", "aria-live": "polite" });
      panel.appendChild(el("div", { "class": "actions" }, [
        confirming("Annuler la date", "Annuler cette date ? Les " + terms.seats_taken + " inscrit·e(s) et la liste d'attente " +
          "recevront nos excuses et les prochaines dates.", function () {
          api("POST", API + "/events/" + encodeURIComponent(terms.id) + "/cancel", {}).then(function (reply) {
            if (!reply.ok) { cancelled.appendChild(notice(reply.data.error || "Erreur", "error")); return; }
            var ended = reply.data.registrations_cancelled;
            var told = reply.data.candidates_told;
            reloadList(notice("Date annulée : " + ended + " inscription(s) annulée(s), " + told +
              " candidat·e(s) prévenu·e(s) par e-mail." + (told < ended ? " " + (ended - told) +
              " e-mail(s) n'ont pas pu partir (serveur de mail) : prévenez ces candidats autrement." : ""),
              told < ended ? "warning" : ""));
          });
        }, "danger"),
        cancelled
      ]));
    }
    var people = el("div", { "class": "date-registrations" });
    panel.appendChild(people);
    loadDateRegistrations(terms.id, people);
    if (terms.kind === "reverse_qa" || terms.questions) {
      var questions = el("div", { "class": "date-questions" });
      panel.appendChild(questions);
      loadDateQuestions(terms.id, questions);
    }
  }

  var REGISTRATION_STATUS = {
    confirmed: "confirmé·e", offered: "place proposée", waitlisted: "liste d'attente",
    cancelled: "annulé·e", expired: "offre expirée"
  };
  var ATTENDANCE_FR = { attended: "présent·e", no_show: "absent·e" };

  // Who registered (read-only here; the check-in is in the console and its API), and the CSV.
  function loadDateRegistrations(eventId, box) {
    var here = stillHere();
    var path = "/console/api/events/" + encodeURIComponent(eventId) + "/registrations";
    api("GET", path).then(function (reply) {
      if (!here()) { return; }
      box.textContent = "";
      box.appendChild(el("h4", { text: "Inscriptions" }));
      if (!reply.ok) { box.appendChild(notice(reply.data.error || "Erreur", "error")); return; }
      var rows = reply.data.registrations || [];
      box.appendChild(el("p", {}, [el("a", { "class": "button csv", href: path + ".csv", download: "",
        text: "Télécharger les inscriptions (CSV)" })]));
      if (!rows.length) { box.appendChild(el("p", { "class": "empty", text: "Aucune inscription." })); return; }
      box.appendChild(el("ul", { "class": "date-people" }, rows.map(function (r) {
        var state = REGISTRATION_STATUS[r.status] || r.status;
        if (r.seat) { state += ", place " + r.seat; }
        if (r.position) { state += ", n° " + r.position; }
        if (r.attendance) { state += ", " + (ATTENDANCE_FR[r.attendance] || r.attendance); }
        return el("li", { "class": "registration " + r.status, "data-id": r.id }, [
          el("strong", { "class": "name", text: r.first_name }), " · ",
          el("span", { "class": "email", text: r.email }), " · " + state
        ]);
      })));
    });
  }

  function loadDateQuestions(eventId, box) {
    var here = stillHere();
    api("GET", "/console/api/events/" + encodeURIComponent(eventId) + "/questions").then(function (reply) {
      if (!here()) { return; }
      box.textContent = "";
      box.appendChild(el("h4", { text: "Questions des candidats" }));
      if (!reply.ok) { box.appendChild(notice(reply.data.error || "Erreur", "error")); return; }
      var questions = reply.data.questions || [];
      if (!questions.length) { box.appendChild(el("p", { "class": "empty", text: "Aucune question." })); return; }
      box.appendChild(el("p", { "class": "meta", text: "Une question répondue pendant la session devient un brouillon d'article : ce que les candidats demandent aux dirigeants, l'assistant le saura." }));
      box.appendChild(el("ol", { "class": "hr-questions" }, questions.map(function (q) {
        var state = [q.votes + " vote(s)", q.answered ? "répondue" : "pas encore répondue"];
        if (q.status === "hidden") { state.push("masquée"); }
        var item = el("li", { "class": "hr-question" + (q.answered ? " answered" : ""), "data-id": q.id }, [
          el("p", { "class": "text", text: q.text }),
          el("p", { "class": "meta", text: state.join(" · ") })
        ]);
        var action = el("div", { "class": "row-actions" });
        item.appendChild(action);
        function linkTo(articleId) {
          action.textContent = "";
          action.appendChild(el("a", { "class": "button draft-link", href: "#article/" + encodeURIComponent(articleId),
            text: "Ouvrir le brouillon d'article (" + articleId + ")" }));
        }
        if (q.article) { linkTo(q.article); }
        else if (q.answered) {
          var make = button("Créer un brouillon d'article", function () {
            make.disabled = true;
            api("POST", API + "/questions/" + encodeURIComponent(q.id) + "/draft", {}).then(function (answer) {
              if (answer.ok) { linkTo(answer.data.article_id); return; }
              if (answer.data.code === "question_drafted" && answer.data.article_id) { linkTo(answer.data.article_id); return; }
              make.disabled = false;
              var problems = answer.data.errors ? answer.data.errors : null;
              action.appendChild(problems && problems.length ? problemsList(problems) : notice(answer.data.error || "Erreur", "error"));
            });
          }, "primary draft");
          action.appendChild(make);
        }
        return item;
      })));
    });
  }

  // ------------------------------------------------------------ team coffees (HR follows them too)

  var COFFEE_STATUS = { confirmed: "confirmé", cancelled: "annulé", declined: "décliné par l'hôte" };
  var COFFEE_ATTENDANCE = { attended: "venu·e", no_show: "absent·e" };
  var COFFEE_ERRORS = {
    coffee_not_started: "Ce café n'a pas encore eu lieu.",
    coffee_not_held: "Ce café a été annulé ou décliné.",
    coffee_unknown: "Café introuvable.",
    attendance_unknown: "Présence inconnue."
  };

  function showCoffees(rest) {
    var which = rest === "past" ? "past" : "upcoming";
    title("Cafés équipe");
    view.appendChild(el("p", { "class": "meta", text: "Les cafés réservés par les candidats avec les ambassadeurs ; après le café, notez s'ils sont venus." }));
    var switcher = el("div", { "class": "when-tabs", role: "group", "aria-label": "Quels cafés" });
    [["upcoming", "À venir"], ["past", "Passés"]].forEach(function (spec) {
      var tab = button(spec[1], function () { window.location.hash = "#coffees/" + spec[0]; });
      tab.id = "ws-coffees-" + spec[0];
      tab.setAttribute("aria-pressed", spec[0] === which ? "true" : "false");
      switcher.appendChild(tab);
    });
    view.appendChild(switcher);
    var feedback = el("p", { "class": "feedback", id: "ws-coffees-feedback", role: "alert" });
    var total = el("p", { "class": "meta", id: "ws-coffees-total" });
    var list = el("ul", { "class": "list coffees-list", id: "ws-coffees" });
    var more = button("Afficher plus", function () { load(true); });
    more.hidden = true;
    view.appendChild(feedback);
    view.appendChild(total);
    view.appendChild(list);
    view.appendChild(more);
    var items = [];
    var here = stillHere();
    function load(next) {
      var offset = next ? items.length : 0;
      return api("GET", "/console/api/coffees?when=" + which + "&offset=" + offset).then(function (reply) {
        if (!here()) { return; }
        if (!reply.ok) { feedback.textContent = reply.data.error || "Erreur"; return; }
        items = next ? items.concat(reply.data.coffees || []) : reply.data.coffees || [];
        list.textContent = "";
        items.forEach(function (c) { list.appendChild(coffeeItem(c, feedback, function () { return load(false); })); });
        total.textContent = reply.data.total + " café(s)";
        if (!items.length) { list.appendChild(el("li", { "class": "empty", text: "Aucun café." })); }
        more.hidden = items.length >= reply.data.total;
      });
    }
    load(false);
  }

  function coffeeItem(c, feedback, reload) {
    var state = COFFEE_STATUS[c.status] || c.status;
    if (c.attendance) { state += " · " + (COFFEE_ATTENDANCE[c.attendance] || c.attendance); }
    var item = el("li", { "class": "coffee " + c.status, "data-id": c.id }, [
      el("p", { "class": "when" }, [el("strong", { text: c.when })]),
      el("p", { "class": "who-line" }, [
        el("span", { "class": "candidate", text: c.candidate }), " · ",
        el("a", { href: "mailto:" + encodeURIComponent(c.email).replace("%40", "@"), text: c.email }),
        " · " + String(c.language).toUpperCase()
      ]),
      el("p", { "class": "host", text: "Avec " + c.host + (c.host_role ? " (" + c.host_role + ")" : "") }),
      c.note ? el("p", { "class": "note", text: c.note }) : null,
      el("p", { "class": "coffee-status", text: state + (c.attendance_by ? " (noté par " + c.attendance_by + ")" : "") })
    ]);
    if (c.markable) {
      var marks = el("div", { "class": "marks", role: "group", "aria-label": "Présence de " + c.candidate });
      [["attended", "Venu·e"], ["no_show", "Absent·e"]].forEach(function (spec) {
        var mark = el("button", { type: "button", "class": "mark " + spec[0], text: spec[1],
          "aria-pressed": c.attendance === spec[0] ? "true" : "false" });
        mark.addEventListener("click", function () {
          mark.disabled = true;
          api("POST", "/console/api/coffees/" + encodeURIComponent(c.id) + "/attendance", { attendance: spec[0] })
            .then(function (reply) {
              feedback.textContent = reply.ok ? "" : COFFEE_ERRORS[reply.data.code] || reply.data.error || "Erreur";
              return reload();
            });
        });
        marks.appendChild(mark);
      });
      item.appendChild(marks);
    }
    return item;
  }

  // ------------------------------------------------------------ canned replies (console)

  var REPLY_EXAMPLE = { candidate: "Léa", recruiter: "Camille Martin" };

  // The same filling as the server's (bot/handoff/canned.py), for the preview only.
  function fillReply(text, candidate, recruiter) {
    var meaning = { candidat: "candidate", candidate: "candidate", "prénom": "candidate", prenom: "candidate",
      recruteur: "recruiter", recruiter: "recruiter" };
    var values = { candidate: candidate || "", recruiter: recruiter };
    return String(text).replace(/\{([^{}\n]{0,40})\}/g, function (all, name) {
      var key = meaning[name.trim().toLowerCase()];
      return key ? values[key] : all;
    }).split("\n").map(function (line) {
      return line.replace(/[ \t]{2,}/g, " ").replace(/ +([,.])/g, "$1").trim();
    }).join("\n");
  }

  function showReplies() {
    title("Réponses types de la console");
    view.appendChild(el("p", { "class": "meta", text: "Les recruteurs les envoient en un clic pendant une conversation, " +
      "dans la langue du candidat. Écrivez {candidat} pour son prénom (laissé de côté s'il ne l'a pas donné) et " +
      "{recruteur} pour le nom du recruteur." }));
    var section = el("section", { "class": "canned", "aria-label": "Réponses types" });
    view.appendChild(section);
    loadReplies(section);
  }

  function loadReplies(section, message) {
    var here = stillHere();
    api("GET", API + "/replies").then(function (reply) {
      if (!here()) { return; }
      section.textContent = "";
      if (message) { section.appendChild(message); }
      if (!reply.ok) { section.appendChild(notice(reply.data.error, "error")); return; }
      var editor = el("div", { "class": "canned-editor" });
      function reload(note) { loadReplies(section, note ? notice(note) : null); }
      function edit(r) {
        editor.textContent = "";
        editor.appendChild(replyForm(r, function (changed) {
          if (changed) { reload(r ? "Réponse type enregistrée." : "Réponse type ajoutée."); } else { editor.textContent = ""; }
        }));
        editor.querySelector("input").focus();
      }
      section.appendChild(button("Ajouter une réponse type", function () { edit(null); }, "primary"));
      section.appendChild(editor);
      var rows = reply.data.replies || [];
      if (!rows.length) { section.appendChild(el("p", { "class": "empty", text: "Aucune réponse type : les recruteurs n'ont que leurs propres mots et les articles." })); return; }
      var body = el("tbody", {}, rows.map(function (r) {
        return el("tr", { "data-reply": String(r.id) }, [
          el("th", { scope: "row", text: r.title }),
          el("td", { lang: "fr" }, [el("div", { "class": "rich" }, [window.ArdoiseRichText.rich(r.text_fr)])]),
          el("td", { lang: "en" }, [el("div", { "class": "rich" }, [window.ArdoiseRichText.rich(r.text_en)])]),
          el("td", { text: r.uses ? r.uses + " fois" + (r.last_used_at ? ", dernière le " + day(r.last_used_at) : "") : "jamais" }),
          el("td", { text: day(r.updated_at) + (r.updated_by ? " · " + r.updated_by : "") }),
          el("td", {}, [el("div", { "class": "row-actions" }, [
            button("Modifier", function () { edit(r); }),
            confirming("Supprimer", "Supprimer la réponse type « " + r.title + " » ?", function () {
              api("DELETE", API + "/replies/" + encodeURIComponent(r.id)).then(function (answer) {
                reload(answer.ok ? "Réponse type supprimée." : answer.data.error);
              });
            }, "danger")
          ])])
        ]);
      }));
      section.appendChild(el("div", { "class": "table-wrap" }, [el("table", { "class": "grid canned-table" }, [
        el("thead", {}, [el("tr", {}, ["Titre", "Français", "Anglais", "Utilisée", "Modifiée", ""].map(function (h) {
          return el("th", { scope: "col", text: h });
        }))]), body])]));
    });
  }

  function replyForm(r, done) {
    var form = el("form", { "class": "record-form canned-form", "aria-label": r ? "Modifier « " + r.title + " »" : "Nouvelle réponse type" });
    var controls = {
      title: input("title", r ? r.title : "", { maxlength: "80", required: true }),
      text_fr: textarea("text_fr", r ? r.text_fr : "", 4, { maxlength: "1000", lang: "fr" }),
      text_en: textarea("text_en", r ? r.text_en : "", 4, { maxlength: "1000", lang: "en" })
    };
    var labels = {
      title: ["Titre", "ce que le recruteur voit dans la liste"],
      text_fr: ["Texte en français", "{candidat} : prénom du candidat · {recruteur} : nom du recruteur"],
      text_en: ["Texte en anglais", "mêmes champs : {candidat} et {recruteur}"]
    };
    var previews = {};
    Object.keys(controls).forEach(function (k) {
      var box = field(labels[k][0], controls[k], labels[k][1]);
      if (k !== "title") {
        var holder = box;
        ["{candidat}", "{recruteur}"].forEach(function (name) {
          holder.appendChild(button("Insérer " + name, function () {
            var area = controls[k], start = area.selectionStart, end = area.selectionEnd;
            area.value = area.value.slice(0, start) + name + area.value.slice(end);
            area.focus();
            area.setSelectionRange(start + name.length, start + name.length);
            area.dispatchEvent(new Event("input"));
          }, "quiet small"));
        });
        previews[k] = el("div", { "class": "canned-preview", "aria-live": "polite", lang: k === "text_fr" ? "fr" : "en" });
        holder.appendChild(previews[k]);
      }
      form.appendChild(box);
    });
    function preview() {
      ["text_fr", "text_en"].forEach(function (k) {
        var box = previews[k];
        box.textContent = "";
        if (!controls[k].value.trim()) { return; }
        box.appendChild(el("p", { "class": "hint", text: "Aperçu (pour " + REPLY_EXAMPLE.candidate + ", par " + REPLY_EXAMPLE.recruiter + ") :" }));
        box.appendChild(el("div", { "class": "rich" }, [window.ArdoiseRichText.rich(fillReply(controls[k].value, REPLY_EXAMPLE.candidate, REPLY_EXAMPLE.recruiter))]));
      });
    }
    controls.text_fr.addEventListener("input", preview);
    controls.text_en.addEventListener("input", preview);
    preview();
    var problems = el("div", { "aria-live": "polite" });
    form.appendChild(el("div", { "class": "actions" }, [el("button", { type: "submit", "class": "primary", text: r ? "Enregistrer" : "Ajouter" }),
      button("Annuler", function () { done(false); }, "quiet")]));
    form.appendChild(problems);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = { title: controls.title.value, text_fr: controls.text_fr.value, text_en: controls.text_en.value };
      var request = r ? api("PUT", API + "/replies/" + encodeURIComponent(r.id), data) : api("POST", API + "/replies", data);
      request.then(function (reply) {
        if (!reply.ok) { showFieldErrors(problems, form, reply); return; }
        done(true);
      });
    });
    return form;
  }

  // ------------------------------------------------------------ ambassadors (team coffees)

  var DAYS_FR = { monday: "lundi", tuesday: "mardi", wednesday: "mercredi", thursday: "jeudi", friday: "vendredi",
    saturday: "samedi", sunday: "dimanche" };

  function frenchWindow(text) {
    var parts = String(text).split(" ");
    return (DAYS_FR[parts[0]] || parts[0]) + (parts.length > 1 ? " " + parts.slice(1).join(" ") : "");
  }

  // {field: message} from the API, listed with the fields' names and marked on the form.
  function showFieldErrors(box, form, reply) {
    box.textContent = "";
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    var errors = reply.data.errors || {};
    var list = Object.keys(errors).map(function (k) {
      var control = form.querySelector('[name="' + k + '"]');
      if (control) { control.setAttribute("aria-invalid", "true"); }
      return { field: k, message: errors[k] };
    });
    box.appendChild(problemsList(list.length ? list : [{ message: reply.data.error }]));
  }

  function showAmbassadors() {
    title("Ambassadeurs des cafés équipe");
    view.appendChild(el("p", { "class": "meta", text: "Les candidats réservent 30 minutes en visio avec ces collègues volontaires, " +
      "sur leurs créneaux de la semaine (heure de Paris). Ils ne voient que le prénom, le poste, l'équipe et les sujets." }));
    var section = el("section", { "class": "ambassadors", "aria-label": "Ambassadeurs" });
    view.appendChild(section);
    loadAmbassadors(section);
  }

  function loadAmbassadors(section, message) {
    var here = stillHere();
    api("GET", API + "/ambassadors").then(function (reply) {
      if (!here()) { return; }
      section.textContent = "";
      if (message) { section.appendChild(message); }
      if (!reply.ok) { section.appendChild(notice(reply.data.error, "error")); return; }
      var editor = el("div", { "class": "ambassador-editor" });
      function reload(note) { loadAmbassadors(section, note ? notice(note) : null); }
      section.appendChild(button("Ajouter un ambassadeur", function () {
        editor.textContent = "";
        editor.appendChild(ambassadorForm(null, function (changed) { if (changed) { reload("Ambassadeur ajouté."); } else { editor.textContent = ""; } }));
        editor.querySelector("input").focus();
      }, "primary"));
      section.appendChild(editor);
      var rows = reply.data.ambassadors || [];
      if (!rows.length) { section.appendChild(el("p", { "class": "empty", text: "Aucun ambassadeur." })); return; }
      var body = el("tbody", {}, rows.map(function (a) { return ambassadorRow(a, editor, reload); }));
      section.appendChild(el("div", { "class": "table-wrap" }, [el("table", { "class": "grid ambassadors-table" }, [
        el("thead", {}, [el("tr", {}, ["Ambassadeur", "Équipe", "Langues", "Créneaux", "Par semaine", "À venir", "Pauses", ""].map(function (h) {
          return el("th", { scope: "col", text: h });
        }))]), body])]));
    });
  }

  function ambassadorRow(a, editor, reload) {
    var who = el("td", {}, [
      el("strong", { "class": "amb-name", text: a.name }),
      el("p", { "class": "sub", text: a.role + (a.email ? " · " + a.email : "") }),
      el("p", { "class": "bio", lang: "fr", text: a.bio_fr }),
      a.active ? null : el("span", { "class": "flag", text: "désactivé : plus de nouveaux créneaux" })
    ]);
    var pauses = el("td", { "class": "pauses" }, [el("ul", {}, (a.pauses || []).map(function (p) {
      return el("li", { "data-pause": String(p.id) }, [
        el("span", { text: day(p.first_day) + " → " + day(p.last_day) + " " }),
        button("Retirer la pause", function () {
          api("DELETE", API + "/ambassadors/" + encodeURIComponent(a.id) + "/pauses/" + encodeURIComponent(p.id)).then(function (reply) {
            reload(reply.ok ? "Pause retirée." : reply.data.error);
          });
        }, "quiet")
      ]);
    }))]);
    var actions = el("td", {}, [el("div", { "class": "row-actions" }, [
      button("Modifier", function () {
        editor.textContent = "";
        editor.appendChild(ambassadorForm(a, function (changed) { if (changed) { reload("Modifications enregistrées."); } else { editor.textContent = ""; } }));
        editor.querySelector("input").focus();
      }),
      button("Mettre en pause", function () {
        editor.textContent = "";
        editor.appendChild(pauseForm(a, function (changed, note) { if (changed) { reload(note); } else { editor.textContent = ""; } }));
        editor.querySelector("input").focus();
      }),
      confirming("Retirer", "Retirer " + a.name + " des ambassadeurs ?", function () { removeAmbassador(a, editor, reload); }, "danger")
    ])]);
    return el("tr", { "data-ambassador": a.id, "class": a.active ? "" : "inactive" }, [
      who, el("td", { text: TEAMS[a.team] || a.team }), el("td", { text: (a.languages || []).join(", ") }),
      el("td", {}, [el("ul", { "class": "windows" }, (a.windows || []).map(function (w) { return el("li", { text: frenchWindow(w) }); }))]),
      el("td", { text: String(a.cap) }), el("td", { text: String(a.upcoming || 0) }), pauses, actions
    ]);
  }

  function ambassadorForm(a, done) {
    var form = el("form", { "class": "record-form ambassador-form", "aria-label": a ? "Modifier " + a.name : "Nouvel ambassadeur" });
    var controls = {
      name: input("name", a ? a.name : "", { maxlength: "120", required: true }),
      role: input("role", a ? a.role : "", { maxlength: "120", required: true }),
      team: select("team", TEAMS, a ? a.team : "platform"),
      languages: input("languages", a ? (a.languages || []).join(", ") : "fr, en", { maxlength: "20" }),
      topics: input("topics", a ? (a.topics || []).join(", ") : "", { maxlength: "800" }),
      windows: textarea("windows", a ? (a.windows || []).map(frenchWindow).join("\n") : "", 3),
      cap: input("cap", a ? a.cap : 2, { type: "number", min: "1", max: "50" }),
      email: input("email", a && a.email ? a.email : "", { type: "email", maxlength: "254" }),
      bio_fr: textarea("bio_fr", a ? a.bio_fr : "", 3, { maxlength: "600" }),
      bio_en: textarea("bio_en", a ? a.bio_en : "", 3, { maxlength: "600" }),
      consent: textarea("consent", a ? a.consent : "", 2, { maxlength: "300" })
    };
    var labels = {
      name: ["Nom", null], role: ["Poste", null], team: ["Équipe", null],
      languages: ["Langues", "codes séparés par des virgules : fr, en"], topics: ["Sujets", "séparés par des virgules"],
      windows: ["Créneaux de la semaine", "un par ligne, heure de Paris : mardi 10:00-12:00"],
      cap: ["Cafés par semaine au plus", null], email: ["E-mail (invitations)", "facultatif"],
      bio_fr: ["Présentation (français)", null], bio_en: ["Présentation (anglais)", null],
      consent: ["Consentement recueilli", "ce que l'ambassadeur accepte de montrer aux candidats"]
    };
    Object.keys(controls).forEach(function (k) { form.appendChild(field(labels[k][0], controls[k], labels[k][1])); });
    var active = null;
    if (a) {
      active = el("input", { type: "checkbox", name: "active" });
      active.checked = !!a.active;
      form.appendChild(el("div", { "class": "field check" }, [active, el("label", { text: "Actif (propose des créneaux)" })]));
      active.id = "f-active-" + a.id;
      form.lastChild.lastChild.setAttribute("for", active.id);
    }
    var problems = el("div", { "aria-live": "polite" });
    form.appendChild(el("div", { "class": "actions" }, [el("button", { type: "submit", "class": "primary", text: a ? "Enregistrer" : "Ajouter" }),
      button("Annuler", function () { done(false); }, "quiet")]));
    form.appendChild(problems);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = {
        name: controls.name.value, role: controls.role.value, team: controls.team.value,
        languages: commaList(controls.languages.value), topics: commaList(controls.topics.value),
        windows: lines(controls.windows.value), cap: controls.cap.value, email: controls.email.value.trim() || null,
        bio_fr: controls.bio_fr.value, bio_en: controls.bio_en.value, consent: controls.consent.value
      };
      if (active) { data.active = active.checked; }
      var request = a ? api("PUT", API + "/ambassadors/" + encodeURIComponent(a.id), data) : api("POST", API + "/ambassadors", data);
      request.then(function (reply) {
        if (!reply.ok) { showFieldErrors(problems, form, reply); return; }
        done(true);
      });
    });
    return form;
  }

  function pauseForm(a, done) {
    var form = el("form", { "class": "record-form pause-form", "aria-label": "Pause de " + a.name });
    var first = input("first_day", "", { type: "date", required: true });
    var last = input("last_day", "", { type: "date", required: true });
    form.appendChild(el("p", { "class": "meta", text: "Pause de " + a.name + " : aucun créneau proposé ces jours-là (les cafés déjà réservés restent prévus)." }));
    form.appendChild(field("Premier jour", first));
    form.appendChild(field("Dernier jour", last));
    var problems = el("div", { "aria-live": "polite" });
    form.appendChild(el("div", { "class": "actions" }, [el("button", { type: "submit", "class": "primary", text: "Enregistrer la pause" }),
      button("Annuler", function () { done(false); }, "quiet")]));
    form.appendChild(problems);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", API + "/ambassadors/" + encodeURIComponent(a.id) + "/pauses", { first_day: first.value, last_day: last.value }).then(function (reply) {
        if (!reply.ok) { showFieldErrors(problems, form, reply); return; }
        var during = reply.data.coffees_during || 0;
        done(true, "Pause enregistrée." + (during ? " " + during + " café(s) déjà réservé(s) pendant la pause restent prévus." : ""));
      });
    });
    return form;
  }

  function removeAmbassador(a, editor, reload) {
    function send(upcoming) {
      api("DELETE", API + "/ambassadors/" + encodeURIComponent(a.id), upcoming ? { upcoming: upcoming } : undefined).then(function (reply) {
        if (reply.status === 409) { askAboutCoffees(reply.data); return; }
        if (!reply.ok) { editor.textContent = ""; editor.appendChild(notice(reply.data.error, "error")); return; }
        var result = reply.data;
        var note = result.outcome === "deleted" ? a.name + " a été supprimé·e." :
          a.name + " est désactivé·e : plus aucun nouveau créneau.";
        if ((result.cancelled || []).length) { note += " " + result.cancelled.length + " café(s) annulé(s), " + (result.candidates_told || 0) + " candidat(s) prévenu(s) avec d'autres créneaux."; }
        if (result.kept) { note += " " + result.kept + " café(s) maintenu(s)."; }
        reload(note);
      });
    }
    function askAboutCoffees(data) {
      editor.textContent = "";
      var box = el("div", { "class": "decision", role: "alert" }, [
        el("p", { text: data.error }),
        el("ul", {}, (data.upcoming || []).map(function (c) { return el("li", { text: when(c.start) + " avec " + c.candidate }); })),
        el("div", { "class": "actions" }, [
          button("Annuler ces cafés et prévenir les candidats", function () { send("cancel"); }, "danger"),
          button("Maintenir ces cafés", function () { send("keep"); }),
          button("Ne rien changer", function () { editor.textContent = ""; }, "quiet")
        ])
      ]);
      editor.appendChild(box);
      box.querySelector("button").focus();
    }
    send(null);
  }

  // ------------------------------------------------------------ model

  function refreshBadge() {
    if (role !== "hr") { badge.hidden = true; return; }
    api("GET", API + "/model").then(function (reply) {
      if (!reply.ok) { return; }
      var state = reply.data;
      badge.className = "link " + (state.up_to_date ? "live" : "down");
      badge.textContent = state.running ? "Entraînement en cours" : state.up_to_date ? "Modèle à jour" : "Modèle à réentraîner";
    });
  }

  function showModel() {
    title("Modèle de compréhension");
    var body = el("div", { "class": "model" });
    view.appendChild(body);
    var here = stillHere();
    function load() {
      api("GET", API + "/model").then(function (reply) {
        if (!here()) { return; }
        body.textContent = "";
        if (!reply.ok) { body.appendChild(notice(reply.data.error, "error")); return; }
        renderModel(body, reply.data, load);
        var busy = reply.data.running || (reply.data.builds || []).some(function (b) { return b.status === "deploying"; });
        if (busy && !poll) { poll = setInterval(load, 2000); }
        if (!busy && poll) { clearInterval(poll); poll = null; refreshBadge(); }
      });
    }
    load();
  }

  function renderModel(body, state, reload) {
    var servers = Object.keys(state.serving || {});
    body.appendChild(el("p", { id: "model-state", "class": "state " + (state.up_to_date ? "ok" : "stale"),
      text: state.up_to_date ? "Le modèle en ligne connaît toutes les questions d'exemple actuelles." :
        "Des questions d'exemple ont changé depuis le dernier entraînement : le modèle en ligne n'est plus à jour." }));
    body.appendChild(el("ul", { "class": "servers" }, servers.map(function (url) {
      return el("li", { text: url + " : " + (state.serving[url] || "injoignable") });
    })));
    var retrain = button("Réentraîner", function () {
      retrain.disabled = true;
      api("POST", API + "/model/retrain", {}).then(function (reply) {
        if (!reply.ok) { body.appendChild(notice(reply.data.error, "error")); retrain.disabled = false; return; }
        reload();
      });
    }, "primary");
    retrain.id = "retrain";
    retrain.disabled = !!state.running;
    body.appendChild(el("div", { "class": "actions" }, [retrain,
      el("span", { "class": "hint", text: "L'entraînement tourne à part (environ une demi-minute, puis la vérification) ; l'assistant continue de répondre avec le modèle actuel." })]));
    if (state.running) { body.appendChild(renderBuild(state.running, reload, true)); }
    body.appendChild(el("h3", { text: "Derniers entraînements" }));
    body.appendChild(el("div", { "class": "builds" }, (state.builds || []).filter(function (b) {
      return !state.running || b.id !== state.running.id;
    }).map(function (b) { return renderBuild(b, reload, false); })));
  }

  var KINDS = { in_scope: "questions couvertes (bon article)", unknown: "sujets inconnus (pas d'article)", off_topic: "hors sujet (pas d'article)" };

  function checkLabel(key) {
    var parts = key.split(" ");
    return parts[0].toUpperCase() + " · " + (KINDS[parts[1]] || parts[1]);
  }

  function refreshInboxCount() {
    if (role !== "hr") { return; }
    Promise.all([api("GET", API + "/inbox"), api("GET", API + "/recheck")]).then(function (replies) {
      var reply = replies[0];
      var count = document.getElementById("inbox-count");
      var total = (reply.data.groups || []).reduce(function (sum, g) { return sum + g.count; }, 0);
      total += (reply.data.human_requests || []).length;  // listed apart, still to handle
      // Articles to re-check count too: they wait in the same tab.
      total += replies[1].ok ? (replies[1].data.articles || []).length : 0;
      // Three digits would not fit the round badge: "99+", the exact number said and shown on hover.
      count.textContent = total > 99 ? "99+" : String(total);
      count.hidden = !reply.ok || total === 0;
      var said = total === 1 ? "1 question à traiter" : total + " questions à traiter";
      count.setAttribute("aria-label", said);
      count.setAttribute("title", said);
    });
  }

  function renderBuild(build, reload, current) {
    var card = el("article", { "class": "build " + build.status, "data-build": String(build.id), "data-status": build.status }, [
      el("p", { "class": "build-head" }, [el("strong", { text: "Entraînement n° " + build.id }), " · " + (BUILD_STATUS[build.status] || build.status) +
        " · demandé par " + build.requested_by + " le " + when(build.created_at)])
    ]);
    if (current || build.status === "training" || build.status === "checking") {
      var bar = el("progress", { max: "1", value: String(build.progress || 0), "aria-label": "Progression" });
      card.appendChild(el("p", { "class": "stage" }, [bar, " " + Math.round((build.progress || 0) * 100) + " % · " + (build.stage || "")]));
    }
    if (build.accuracy_new !== null && build.accuracy_new !== undefined) {
      card.appendChild(el("p", { "class": "accuracy", text: "Questions de contrôle : nouveau modèle " + percent(build.accuracy_new) +
        ", modèle en ligne " + percent(build.accuracy_serving) }));
      var check = build.check || {};
      if (check["new"]) {
        var keys = Object.keys(check["new"]);
        card.appendChild(el("table", { "class": "grid small" }, [
          el("thead", {}, [el("tr", {}, [el("th", { text: "Langue et type" }), el("th", { text: "Nouveau" }), el("th", { text: "En ligne" })])]),
          el("tbody", {}, keys.map(function (k) {
            var before = (check.serving || {})[k];
            var after = check["new"][k];
            return el("tr", { "class": before !== undefined && after < before ? "drop" : "" }, [
              el("td", { text: checkLabel(k) }), el("td", { text: percent(after) }), el("td", { text: percent(before) })]);
          }))
        ]));
      }
    }
    if (build.error) { card.appendChild(el("pre", { "class": "error-text", text: build.error })); }
    if (build.status === "awaiting_confirmation") {
      card.appendChild(notice("La précision baisse par rapport au modèle en ligne (" + percent(build.accuracy_serving) + " → " +
        percent(build.accuracy_new) + "). Mettez-le en ligne seulement si vous acceptez cette baisse.", "warning"));
      var result = el("div", { "aria-live": "polite" });
      card.appendChild(el("div", { "class": "actions" }, [
        button("Mettre en ligne malgré la baisse", function (event) {
          event.target.disabled = true;
          api("POST", API + "/model/builds/" + build.id + "/confirm", {}).then(function (reply) {
            if (!reply.ok) { result.appendChild(notice(reply.data.error, "error")); }
            reload();
          });
        }, "primary"),
        button("Refuser", function () {
          api("POST", API + "/model/builds/" + build.id + "/reject", {}).then(function () { reload(); });
        })
      ]));
      card.appendChild(result);
    }
    if (build.status === "live") {
      card.appendChild(el("p", { "class": "meta", text: "En ligne depuis le " + when(build.deployed_at) + (build.confirmed_by ? " (" + build.confirmed_by + ")" : "") }));
    }
    return card;
  }

  // ------------------------------------------------------------ dashboard

  function isoDay(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre"];

  // "2026-11-01" -> "1er novembre 2026", whatever the browser's language (the page is French).
  function frenchDay(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!parts) { return ""; }
    var number = Number(parts[3]);
    return (number === 1 ? "1er" : String(number)) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1];
  }

  // A chart's day label: "2026-11-01" -> "01/11", as French dates are written.
  function shortDay(iso) {
    return iso.slice(8, 10) + "/" + iso.slice(5, 7);
  }

  function showDashboard() {
    title("Tableau de bord");
    // Without a chosen period the server picks the last 30 days of the office's calendar
    // (not the browser's: after midnight in Paris, UTC browsers are still on yesterday).
    var form = el("form", { "class": "filters" });
    var from = input("from", sessionStorage.getItem("ws-from") || "", { type: "date", required: true });
    var to = input("to", sessionStorage.getItem("ws-to") || "", { type: "date", required: true });
    form.appendChild(field("Du", from));
    form.appendChild(field("Au", to));
    form.appendChild(el("button", { type: "submit", text: "Afficher" }));
    // Date fields show the browser's format (e.g. 11/01/2026 in an English browser): the
    // period is also written out in French beside them.
    var period = el("p", { "class": "period", id: "dashboard-period", "aria-live": "polite" });
    function showPeriod() {
      period.textContent = from.value && to.value ? "du " + frenchDay(from.value) + " au " + frenchDay(to.value) : "";
    }
    from.addEventListener("change", showPeriod);
    to.addEventListener("change", showPeriod);
    form.appendChild(period);
    var csv = el("a", { "class": "button", href: "#", download: "", text: "Exporter en CSV" });
    view.appendChild(el("div", { "class": "bar" }, [form, csv]));
    showPeriod();
    var body = el("div", { "class": "dashboard" });
    view.appendChild(body);
    function load(chosen) {
      if (chosen) {
        sessionStorage.setItem("ws-from", from.value);
        sessionStorage.setItem("ws-to", to.value);
      }
      var query = from.value && to.value
        ? "from=" + encodeURIComponent(from.value) + "&to=" + encodeURIComponent(to.value)
        : "";
      csv.setAttribute("href", API + "/analytics.csv?" + query);
      body.textContent = "";
      var here = stillHere();
      api("GET", API + "/analytics?" + query).then(function (reply) {
        if (!here()) { return; }
        if (!reply.ok) { body.appendChild(notice(reply.data.error, "error")); return; }
        from.value = reply.data.range.start;
        to.value = reply.data.range.end;
        showPeriod();
        csv.setAttribute("href", API + "/analytics.csv?from=" + encodeURIComponent(from.value) +
          "&to=" + encodeURIComponent(to.value));
        renderDashboard(body, reply.data);
      });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    load();
  }

  function chart(container, heading, draw) {
    var box = el("figure", { "class": "chart" }, [el("figcaption", { text: heading })]);
    var area = el("div", { "class": "chart-area" });
    box.appendChild(area);
    container.appendChild(box);
    draw(area);
  }

  function minutes(seconds) {
    if (seconds === null || seconds === undefined) { return "—"; }
    return seconds < 90 ? Math.round(seconds) + " s" : Math.round(seconds / 60) + " min";
  }

  function hours(seconds) {
    if (seconds === null || seconds === undefined) { return "—"; }
    return seconds < 5400 ? minutes(seconds) : (seconds / 3600).toFixed(1).replace(".", ",") + " h";
  }

  function renderDashboard(body, data) {
    var totals = data.totals || {};
    var claim = totals.time_to_claim || {};
    var kpis = [
      ["Conversations", totals.conversations], ["Messages des candidats", totals.candidate_messages],
      ["Sans humain (containment)", percent(totals.containment)], ["Taux de « je ne sais pas »", percent(totals.dont_know_rate)],
      ["Taux de passage à un humain", percent(totals.handoff_rate)],
      ["Délai de prise en charge (médiane / 90 %)", minutes(claim.median_seconds) + " / " + minutes(claim.p90_seconds)],
      ["Demandes de rappel", totals.callback_requests]
    ];
    var coffee = data.coffee || {};
    kpis.push(["Cafés équipe : absences", percent(coffee.no_show_rate)]);
    kpis.push(["Cafés équipe : délai avant réservation (médiane)", hours(coffee.median_seconds_to_booking)]);
    body.appendChild(el("div", { "class": "kpis" }, kpis.map(function (k) {
      return el("div", { "class": "kpi" }, [el("span", { "class": "kpi-label", text: k[0] }), el("strong", { text: k[1] === undefined || k[1] === null ? "—" : String(k[1]) })]);
    })));
    var days = data.days || [];
    var labels = days.map(function (d) { return shortDay(d.date); });
    var charts = el("div", { "class": "charts" });
    body.appendChild(charts);
    var C = window.ArdoiseCharts;
    chart(charts, "Conversations et messages par jour", function (area) {
      C.line(area, { labels: labels, title: "Conversations et messages par jour", series: [
        { name: "conversations", values: days.map(function (d) { return d.conversations; }) },
        { name: "messages des candidats", values: days.map(function (d) { return d.candidate_messages; }) }
      ] });
    });
    chart(charts, "Passages à un humain et rappels par jour", function (area) {
      C.bars(area, { labels: labels, title: "Passages à un humain et rappels par jour", series: [
        { name: "passages à un humain", values: days.map(function (d) { return d.handoffs || 0; }) },
        { name: "demandes de rappel", values: days.map(function (d) { return d.callback_requests || 0; }) }
      ] });
    });
    chart(charts, "« Je ne sais pas » par jour", function (area) {
      C.bars(area, { labels: labels, title: "« Je ne sais pas » par jour", series: [
        { name: "réponses", values: days.map(function (d) { return d.answers || 0; }) },
        { name: "« je ne sais pas »", values: days.map(function (d) { return d.no_answers || 0; }) }
      ] });
    });
    var topics = data.top_topics || [];
    chart(charts, "Thèmes les plus demandés", function (area) {
      C.hbars(area, { title: "Thèmes les plus demandés", labels: topics.map(function (t) { return t.topic; }), values: topics.map(function (t) { return t.answers; }) });
    });
    var languages = data.languages || [];
    chart(charts, "Langues des conversations", function (area) {
      C.hbars(area, { title: "Langues des conversations", labels: languages.map(function (l) { return l.language; }), values: languages.map(function (l) { return l.conversations; }) });
    });
    var steps = [["ont demandé un café", coffee.asked], ["ont eu des créneaux", coffee.offered],
      ["ont réservé", coffee.booked], ["sont venus", coffee.attended]];
    chart(charts, "Cafés équipe : de la demande au café (conversations)", function (area) {
      area.setAttribute("data-chart", "coffee-funnel");
      C.hbars(area, { title: "Cafés équipe : de la demande au café (conversations)", labels: steps.map(function (s) { return s[0]; }),
        values: steps.map(function (s) { return s[1] || 0; }) });
    });
    var ratings = data.ratings || [];
    chart(charts, "Pouces haut / bas par article", function (area) {
      C.bars(area, { title: "Pouces haut / bas par article", labels: ratings.map(function (r) { return r.title || r.article; }), series: [
        { name: "pouce haut", values: ratings.map(function (r) { return r.up; }) },
        { name: "pouce bas", values: ratings.map(function (r) { return r.down; }) }
      ] });
    });
    renderEventFunnels(body, charts, data.events || []);
    renderPriorities(body, charts, data.priorities || []);
  }

  // "What matters to you" (bot/candidate/priorities.py): per priority, the conversations
  // that named it, French and English side by side; the same figures as a table.
  function renderPriorities(body, charts, priorities) {
    var C = window.ArdoiseCharts;
    var heading = "Ce qui compte le plus pour les candidats (conversations)";
    var languages = ["fr", "en"];
    priorities.forEach(function (p) {
      Object.keys(p.languages || {}).forEach(function (l) { if (languages.indexOf(l) < 0) { languages.push(l); } });
    });
    chart(charts, heading, function (area) {
      area.setAttribute("data-chart", "priorities");
      if (!priorities.length) {
        area.appendChild(el("p", { "class": "empty", text: "Aucun candidat n'a encore dit ce qui compte pour lui sur cette période." }));
        return;
      }
      C.bars(area, { title: heading, labels: priorities.map(function (p) { return p.label; }),
        series: languages.map(function (l) {
          return { name: l.toUpperCase(), values: priorities.map(function (p) { return (p.languages || {})[l] || 0; }) };
        }) });
    });
    if (!priorities.length) { return; }
    var head = ["Ce qui compte", "Conversations"].concat(languages.map(function (l) { return l.toUpperCase(); }));
    body.appendChild(el("div", { "class": "table-wrap" }, [el("table", { "class": "grid", "data-table": "priorities" }, [
      el("caption", { text: heading }),
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, priorities.map(function (p) {
        return el("tr", { "data-priority": p.priority }, [el("th", { scope: "row", text: p.label }),
          el("td", { text: String(p.conversations) })].concat(languages.map(function (l) {
            return el("td", { text: String((p.languages || {})[l] || 0) });
          })));
      }))
    ])]));
  }

  // "4,5 / 5 (12 avis)": the mean of the thank-you e-mails' answers, or "—" without any.
  function satisfaction(funnel) {
    if (funnel.mean_rating === null || funnel.mean_rating === undefined) { return "—"; }
    return String(funnel.mean_rating).replace(".", ",") + " / 5 (" + (funnel.ratings || 0) + " avis)";
  }

  // Open houses and reverse Q&As (bot/hr/event_funnel.py): a funnel per kind among the
  // charts, then their attendance, freed seats, ratings and questions as one table.
  function renderEventFunnels(body, charts, events) {
    var C = window.ArdoiseCharts;
    events.forEach(function (funnel) {
      var heading = (EVENT_KINDS[funnel.kind] || String(funnel.kind)) + " : de la demande à la venue (conversations)";
      var steps = [["ont demandé", funnel.asked], ["se sont inscrits", funnel.registered], ["sont venus", funnel.attended]];
      chart(charts, heading, function (area) {
        area.setAttribute("data-chart", "event-funnel-" + funnel.kind);
        C.hbars(area, { title: heading, labels: steps.map(function (s) { return s[0]; }),
          values: steps.map(function (s) { return s[1] || 0; }) });
      });
    });
    if (!events.length) { return; }
    var head = ["Événement", "Absences", "Places libérées proposées", "Satisfaction", "Questions posées / répondues"];
    body.appendChild(el("div", { "class": "table-wrap" }, [el("table", { "class": "grid events-table", "data-table": "events" }, [
      el("caption", { text: "Événements" }),
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, events.map(function (funnel) {
        var questions = funnel.kind === "reverse_qa"
          ? (funnel.questions_submitted || 0) + " / " + (funnel.questions_answered || 0) : "—";
        return el("tr", { "data-kind": funnel.kind }, [
          el("th", { scope: "row", text: EVENT_KINDS[funnel.kind] || String(funnel.kind) }),
          el("td", { text: percent(funnel.no_show_rate) }),
          el("td", { text: String(funnel.waitlist_promotions || 0) }),
          el("td", { text: satisfaction(funnel) }),
          el("td", { text: questions })
        ]);
      }))
    ])]));
  }

  // ------------------------------------------------------------ talent community (issue 14)

  // HR's figures of the talent community: counts per wish, never an e-mail address (the
  // recruiters see a position's members in their console). The CSV has the same rows.
  var COMMUNITY_LEVELS = { intern: "stage / alternance", junior: "junior", confirmed: "confirmé", senior: "senior" };
  var COMMUNITY_LANGUAGES = { fr: "français", en: "anglais" };
  var ANY_WISH = "sans préférence";

  function showCommunity() {
    title("Communauté de talents");
    view.appendChild(el("p", { "class": "meta", text: "Les candidats inscrits (e-mail confirmé) reçoivent au plus un e-mail " +
      "par semaine quand un poste correspondant à leurs souhaits ouvre. Aucune adresse n'est montrée ici." }));
    var csv = el("a", { "class": "button", id: "community-csv", href: API + "/community.csv", download: "",
      text: "Télécharger le CSV" });
    view.appendChild(el("div", { "class": "bar" }, [csv]));
    var body = el("div", { "class": "dashboard community", id: "community" });
    view.appendChild(body);
    var here = stillHere();
    api("GET", API + "/community").then(function (reply) {
      if (!here()) { return; }
      if (!reply.ok) { body.appendChild(notice(reply.data.error || "Erreur", "error")); return; }
      renderCommunity(body, reply.data);
    });
  }

  // {"platform": 3, "any": 1} -> labels and values, the "any" count last under a French name.
  function wishCounts(counts, names) {
    var keys = Object.keys(counts || {}).filter(function (k) { return k !== "any"; });
    if (counts && counts.any) { keys.push("any"); }
    return {
      labels: keys.map(function (k) { return k === "any" ? ANY_WISH : (names && names[k]) || k; }),
      values: keys.map(function (k) { return Number(counts[k]) || 0; })
    };
  }

  function countList(heading, name, counts, names) {
    var shown = wishCounts(counts, names);
    return el("section", { "class": "community-counts", "data-counts": name }, [
      el("h3", { text: heading }),
      shown.labels.length ? el("ul", {}, shown.labels.map(function (label, i) {
        return el("li", { text: label + " : " + shown.values[i] });
      })) : el("p", { "class": "empty", text: "Aucun membre." })
    ]);
  }

  function renderCommunity(body, data) {
    var kpis = [
      ["members", "Membres", data.members], ["pending", "En attente de confirmation", data.pending],
      ["expiring_soon", "Fin d'inscription dans les 30 jours", data.expiring_soon],
      ["announced", "Postes annoncés", data.announced]
    ];
    body.appendChild(el("div", { "class": "kpis" }, kpis.map(function (k) {
      return el("div", { "class": "kpi", "data-kpi": k[0] }, [el("span", { "class": "kpi-label", text: k[1] }),
        el("strong", { text: k[2] === undefined || k[2] === null ? "—" : String(k[2]) })]);
    })));
    var charts = el("div", { "class": "charts" });
    body.appendChild(charts);
    var C = window.ArdoiseCharts;
    [["teams", "Membres par équipe souhaitée", TEAMS], ["locations", "Membres par ville souhaitée", null]].forEach(function (spec) {
      var shown = wishCounts(data[spec[0]], spec[2]);
      chart(charts, spec[1], function (area) {
        area.setAttribute("data-chart", "community-" + spec[0]);
        C.hbars(area, { title: spec[1], labels: shown.labels, values: shown.values, valueLabel: "membres" });
      });
    });
    body.appendChild(el("div", { "class": "community-lists" }, [
      el("section", { "class": "community-counts", "data-counts": "remote" }, [
        el("h3", { text: "Télétravail complet" }),
        el("p", { text: data.remote === 1 ? "1 membre ne veut que des postes en télétravail complet"
          : (data.remote || 0) + " membres ne veulent que des postes en télétravail complet" })
      ]),
      countList("Niveaux", "levels", data.levels, COMMUNITY_LEVELS),
      countList("Langues de travail", "languages", data.languages, COMMUNITY_LANGUAGES)
    ]));
  }

  // ------------------------------------------------------------ audit

  // The journal in sentences ("Hana a restauré la révision 1 de « Télétravail »"), the raw
  // entry kept in a <details> below each one. Actions: grep `action=` in bot/.
  var CHANGED_FIELDS = {
    status: "statut", kind: "type", date: "date", end_date: "date de fin", start_time: "heure de début",
    end_time: "heure de fin", place_fr: "lieu (FR)", place_en: "lieu (EN)", note_fr: "note (FR)", note_en: "note (EN)",
    title_fr: "titre (FR)", title_en: "titre (EN)", team: "équipe", location_fr: "lieu (FR)", location_en: "lieu (EN)",
    salary_min: "salaire minimum", salary_max: "salaire maximum", capacity: "places", deadline: "date limite d'inscription",
    video_url: "lien vidéo", name: "nom", languages: "langues", windows: "créneaux", bio_fr: "présentation (FR)",
    bio_en: "présentation (EN)", active: "actif", text_fr: "texte (FR)", text_en: "texte (EN)", title: "titre"
  };
  var ATTENDANCE = { attended: "venu·e", no_show: "absent·e" };

  function quoted(text) { return "« " + text + " »"; }

  function some(count, one, many) { return count === 1 ? one : count + " " + many; }

  function detailOf(e) { return e.detail && typeof e.detail === "object" ? e.detail : {}; }

  function targetId(e) {
    var at = (e.target || "").indexOf(":");
    return at < 0 ? e.target || "" : e.target.slice(at + 1);
  }

  function changedList(d) {
    var keys = Object.keys(d.changes || {});
    if (!keys.length) { return ""; }
    if (keys.length === 1 && keys[0] === "status") {
      var pair = d.changes.status;
      return " (statut : " + (Array.isArray(pair) ? pair.join(" → ") : String(pair)) + ")";
    }
    return " (" + keys.map(function (k) { return CHANGED_FIELDS[k] || k; }).join(", ") + ")";
  }

  function eventName(e) {
    var r = detailOf(e).record || detailOf(e);
    return r.kind && r.date ? (EVENT_KINDS[r.kind] || "l'événement") + " du " + day(r.date) : "l'événement n° " + targetId(e);
  }

  function jobName(e) {
    var d = detailOf(e), r = d.record || {};
    var name = r.title_fr || r.title_en || d.title;
    return "le poste " + quoted(name || targetId(e));
  }

  function ambassadorName(e) {
    var d = detailOf(e), a = d.ambassador;
    var name = typeof a === "string" ? a : a && a.name ? a.name : (d.changes && Array.isArray(d.changes.name) ? d.changes.name[1] : "");
    return name || targetId(e);
  }

  function pausePeriod(e) {
    var p = detailOf(e).pause || {};
    return p.first_day ? " du " + day(p.first_day) + " au " + day(p.last_day) : "";
  }

  // What someone did, as a sentence; `count` entries of the same change (inbox items) at once.
  function auditSentence(e, count, titles) {
    var who = e.actor || "Quelqu'un", d = detailOf(e);
    var article = quoted(titles[targetId(e)] || targetId(e));
    var into = d.article_id ? quoted(titles[d.article_id] || d.article_id) : "un article";
    var items = some(count, "une question de la boîte", "questions de la boîte");
    var sentences = {
      "article.created": "a créé l'article " + article,
      "article.updated": "a modifié " + article,
      "article.deleted": "a supprimé l'article " + article,
      "article.restored": "a restauré la révision " + d.revision + " de " + article,
      "article.checked": "a confirmé que " + article + " est toujours juste" +
        (d.notes_closed ? " (" + some(d.notes_closed, "une note « à revérifier » fermée", "notes « à revérifier » fermées") + ")" : ""),
      "inbox.added": "a ajouté une question d'exemple à " + into + (count === 1 ? " depuis la boîte" : " (" + items + ")"),
      "inbox.drafted": "a commencé l'article " + into + " à partir de " + items,
      "inbox.dismissed": "a ignoré " + items,
      "inbox.reopened": "a remis " + some(count, "une question", "questions") + " dans la boîte",
      "inbox.checked": "a marqué " + items + " comme revérifiée" + (count === 1 ? "" : "s"),
      "event.created": "a ajouté " + eventName(e),
      "event.updated": "a modifié " + eventName(e) + changedList(d),
      "event.deleted": "a supprimé " + eventName(e),
      "event.cancelled": "a annulé " + eventName(e) + " et prévenu les inscrits",
      "event.terms_updated": "a changé les inscriptions de " + eventName(e) + changedList(d),
      "events.topped_up": "a ajouté les prochaines dates des événements récurrents",
      "records.seeded": "a chargé les postes et événements de départ",
      "job.created": "a ajouté " + jobName(e),
      "job.updated": "a modifié " + jobName(e) + changedList(d),
      "job.deleted": "a supprimé " + jobName(e),
      "job.closed": "a fermé " + jobName(e),
      "job.reopened": "a rouvert " + jobName(e),
      "registration.attendance": "a noté un·e inscrit·e comme " + (ATTENDANCE[d.attendance] || "non pointé·e"),
      "coffee.attendance": "a noté le candidat d'un café comme " + (ATTENDANCE[d.attendance] || "non pointé"),
      "panel_question.answered": "a marqué une question du public comme " + (d.answered ? "répondue" : "non répondue"),
      "panel_question.status": (d.status === "hidden" ? "a masqué" : "a réaffiché") + " une question du public",
      "model.retrain": "a lancé un réentraînement du modèle (build " + targetId(e) + ")",
      "model.live": "a mis en ligne le modèle du build " + targetId(e),
      "model.rejected": "a refusé le modèle du build " + targetId(e),
      "ambassadors.seeded": "a chargé les ambassadeurs de départ",
      "ambassador.created": "a ajouté l'ambassadeur " + ambassadorName(e),
      "ambassador.updated": "a modifié l'ambassadeur " + ambassadorName(e) + changedList(d),
      "ambassador.paused": "a mis " + ambassadorName(e) + " en pause" + pausePeriod(e),
      "ambassador.pause_removed": "a levé la pause de " + ambassadorName(e) + pausePeriod(e),
      "ambassador.deleted": "a retiré " + ambassadorName(e) + " des ambassadeurs",
      "ambassador.deactivated": "a retiré " + ambassadorName(e) + " des ambassadeurs (ses cafés passés restent)",
      "canned_replies.seeded": "a chargé les réponses types de départ de la console",
      "canned_reply.created": "a ajouté la réponse type « " + (d.title || "?") + " »",
      "canned_reply.updated": "a modifié la réponse type « " + (d.title || "?") + " »" + changedList(d),
      "canned_reply.deleted": "a supprimé la réponse type « " + (d.title || "?") + " »",
      "community.message": "a écrit « " + (d.subject || "?") + " » aux membres de la communauté de talents pour " +
        jobName(e) + " (" + some(d.sent || 0, "un envoi", "envois") +
        (d.waiting ? ", " + some(d.waiting, "un membre déjà contacté cette semaine", "membres déjà contactés cette semaine") : "") + ")"
    };
    if (e.action === "model.live" && /^automatic/.test(who)) {
      return "Le modèle du build " + targetId(e) + " a été mis en ligne automatiquement (précision maintenue)";
    }
    if (Object.prototype.hasOwnProperty.call(sentences, e.action)) { return who + " " + sentences[e.action]; }
    var readable = String(e.action || "").replace(/[._]/g, " ");
    return who + " : " + readable + (e.target ? " (" + e.target + ")" : "");
  }

  // Entries of one click (an inbox group: one entry per item) become one line.
  function auditGroups(entries) {
    var groups = [];
    entries.forEach(function (e) {
      var last = groups[groups.length - 1], head = last && last[0];
      var same = head && /^inbox\./.test(e.action) && e.action === head.action && e.actor === head.actor &&
        JSON.stringify(e.detail) === JSON.stringify(head.detail) &&
        Math.abs(new Date(head.at) - new Date(e.at)) < 60000;
      if (same) { last.push(e); } else { groups.push([e]); }
    });
    return groups;
  }

  function showAudit() {
    title("Journal des modifications");
    var here = stillHere();
    api("GET", API + "/audit").then(function (reply) {
      if (!here()) { return; }
      if (!reply.ok) { view.appendChild(notice(reply.data.error, "error")); return; }
      var titles = reply.data.titles || {};
      var groups = auditGroups(reply.data.entries || []);
      if (!groups.length) { view.appendChild(el("p", { "class": "empty", text: "Aucune modification pour l'instant." })); return; }
      view.appendChild(el("ol", { "class": "journal" }, groups.map(function (group) {
        var e = group[0];
        var raw = group.map(function (g) {
          return g.action + " " + g.target + (Object.keys(g.detail || {}).length ? " " + JSON.stringify(g.detail) : "");
        }).join("\n");
        return el("li", { "data-action": e.action }, [
          el("time", { datetime: e.at || "", text: when(e.at) }),
          el("p", { "class": "sentence", text: auditSentence(e, group.length, titles) }),
          el("details", {}, [el("summary", { text: "Détail technique" }), el("pre", { "class": "detail-cell", text: raw })])
        ]);
      })));
    });
  }

  // ------------------------------------------------------------ start

  document.getElementById("logout").addEventListener("click", function () {
    api("POST", "/console/logout", {}).then(function () { window.location.href = "/console/login"; });
  });
  document.querySelectorAll('.tabs a[data-role="hr"]').forEach(function (a) { a.hidden = role !== "hr"; });
  // The recruiters' console shows contact details and live chats: not HR's (README).
  document.querySelectorAll('a[data-role="recruiter"]').forEach(function (a) { a.hidden = role !== "recruiter"; });
  window.addEventListener("hashchange", function () { route(); refreshInboxCount(); });
  refreshBadge();
  refreshInboxCount();
  route();
})();
