// The recruiter console: live queue, conversation detail, claim, live chat, hand back,
// team coffees, open houses / reverse Q&As (registrations, check-in, host's questions), and
// the talent-community members a position fits, with a message to them.
// Every text from candidates or colleagues is put in the page with textContent.
"use strict";

(function () {
  var me = null;
  var handoffs = [];
  var selected = null;      // conversation id
  var detail = null;        // last detail payload
  var socket = null;

  var queueList = document.getElementById("queue");
  var queueCount = document.getElementById("queue-count");
  var queueEmpty = document.getElementById("queue-empty");
  var main = document.getElementById("detail");
  var link = document.getElementById("link");

  var STATUS = {
    queued: "en attente", claimed: "en cours", returned: "rendue à l'assistant",
    closed: "close", callback: "non prise à temps", cancelled: "annulée par le candidat"
  };
  var REASON = {
    request_human: "demande un humain", affirm: "a accepté un recruteur",
    needs_human: "situation personnelle", not_helpful: "réponses insuffisantes"
  };

  var el = window.ArdoiseStaff.el;
  var api = window.ArdoiseStaff.api;
  var newest = window.ArdoiseStaff.newest;

  function minutesSince(iso) {
    return Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  }

  function waiting(h) {
    return h.status === "queued" ? "attend depuis " + minutesSince(h.requested_at) + " min" :
      "prise par " + (h.claimed_by || "?");
  }

  // ------------------------------------------------------------ queue

  function loadQueue() {
    return api("GET", "/console/api/queue").then(function (reply) {
      handoffs = reply.data.handoffs || [];
      renderQueue();
      if (selected) { loadDetail(selected, false); }
    });
  }

  function renderQueue() {
    queueList.textContent = "";
    var queued = handoffs.filter(function (h) { return h.status === "queued"; }).length;
    queueCount.textContent = String(queued);
    queueEmpty.hidden = handoffs.length > 0;
    handoffs.forEach(function (h) {
      var asked = (h.summary && h.summary.asked) || [];
      var button = el("button", { type: "button", "class": "item " + h.status, "data-conversation": h.conversation,
        "aria-current": h.conversation === selected ? "true" : null }, [
        el("span", { "class": "tags" }, [
          el("span", { "class": "lang", text: h.language.toUpperCase() }),
          el("span", { "class": "status", text: STATUS[h.status] || h.status }),
          h.topic ? el("span", { "class": "topic", text: h.topic_label || h.topic }) : null,
          h.routed_to ? el("span", { "class": "routed", text: "→ " + h.routed_to }) : null
        ]),
        el("span", { "class": "wait", text: waiting(h) }),
        el("span", { "class": "preview", text: asked.length ? asked[asked.length - 1] : (REASON[h.reason] || h.reason) })
      ]);
      button.addEventListener("click", function () { loadDetail(h.conversation, true); });
      queueList.appendChild(el("li", {}, [button]));
    });
  }

  // ------------------------------------------------------------ detail

  function loadDetail(conversation, focus) {
    selected = conversation;
    if (openEvent !== null) { openEvent = null; main.removeAttribute("data-event"); renderEvents(); }
    openCommunity = null;
    main.removeAttribute("data-community");
    return api("GET", "/console/api/conversations/" + encodeURIComponent(conversation)).then(function (reply) {
      if (selected !== conversation) { return; }  // another one was opened meanwhile
      if (reply.status === 404 && focus) {
        detail = null;
        main.removeAttribute("data-conversation");
        main.textContent = "";
        main.appendChild(el("p", { "class": "empty", text: "Cette conversation n'existe plus." }));
        main.focus();
      }
      if (reply.status !== 200) { return; }
      detail = reply.data;
      renderDetail();
      renderQueue();
      if (focus) { main.focus(); }
    });
  }

  function current() {
    return detail && detail.handoffs.length ? detail.handoffs[0] : null;
  }

  // ---- transcript lines: the assistant's answers (knowledge-base texts) as the chat shows
  // them (richtext.js: paragraphs, **bold**, lists, safe links); candidates' and recruiters'
  // texts as typed, but the commands the widget and buttons send put in words.

  var slots = {};           // slot id -> {label, host, kind}, from the assistant's offers

  function plain(value) {
    return typeof value === "string" ? value : "";
  }

  // What the assistant's offers and contact forms say of their slots (as widget.js reads them).
  function rememberSlots(custom) {
    if (!custom || typeof custom !== "object") { return; }
    if (custom.type === "meeting_offer") {
      var names = {};
      (Array.isArray(custom.hosts) ? custom.hosts : []).forEach(function (h) {
        if (h && typeof h === "object") { names[plain(h.id)] = plain(h.name); }
      });
      (Array.isArray(custom.slots) ? custom.slots : []).forEach(function (s) {
        if (!s || typeof s.id !== "string") { return; }
        slots[s.id] = { label: plain(s.label), host: names[plain(s.host)] || "", kind: plain(custom.kind) || "coffee" };
      });
    } else if (custom.type === "meeting_contact" && typeof custom.slot === "string") {
      var known = slots[custom.slot] || {};
      var host = custom.host && typeof custom.host === "object" ? plain(custom.host.name) : "";
      slots[custom.slot] = {
        label: plain(custom.label) || known.label || "", host: host || known.host || "",
        kind: plain(custom.kind) || known.kind || ""
      };
    }
  }

  var ALERT_SLOT = "alert-hackathon";
  var COMMAND = /^\/([a-z_]+)(\{[\s\S]*\})?$/;
  var SIMPLE_COMMANDS = {
    affirm: "Oui", deny: "Non", request_human: "Demande à parler à un·e recruteur·e",
    my_booking: "Demande à voir sa réservation", cancel_booking: "Annule sa réservation"
  };

  // `/book{"slot": …}` -> its object, or null.
  function commandData(raw) {
    if (!raw) { return {}; }
    try {
      var data = JSON.parse(raw);
      return data && typeof data === "object" && !Array.isArray(data) ? data : null;
    } catch (e) {
      return null;
    }
  }

  function contact(data) {
    var parts = [plain(data.name).trim(), plain(data.email).trim()].filter(Boolean);
    return parts.length ? " · " + parts.join(" · ") : "";
  }

  function booking(data) {
    var id = plain(data.slot);
    var slot = slots[id] || {};
    var kind = id === ALERT_SLOT ? "hackathon" : slot.kind || (id.slice(0, 6) === "event-" ? "event" : "coffee");
    if (kind === "hackathon") { return "Inscription : alerte d'ouverture du hackathon" + contact(data); }
    if (kind !== "coffee") { return "Inscription : " + (slot.label || "événement") + contact(data); }
    return "Réservation : café" + (slot.label ? " " + slot.label : "") +
      (slot.host ? " avec " + slot.host : "") + contact(data);
  }

  // A command a candidate's widget or a button sent, in words; null for any other text.
  // Never the JSON: the name and e-mail are shown as such, the rest is left out.
  function commandText(text) {
    var match = COMMAND.exec(String(text || ""));
    var data = match ? commandData(match[2]) : null;
    if (!data) { return null; }
    var name = match[1];
    if (name === "book") { return booking(data); }
    if (name === "ask_panel") { return "Question pour les dirigeants : " + plain(data.question); }
    if (name === "choose_article") { return "Choisit l'article : " + plain(data.article); }
    if (name === "meet_team") { return "Veut rencontrer l'équipe" + (plain(data.team) ? " : " + plain(data.team) : ""); }
    if (name === "move_booking") {
      var label = (slots[plain(data.slot)] || {}).label;
      return "Déplace sa réservation" + (label ? " : " + label : "");
    }
    if (name === "register_event") { return "Veut s'inscrire à un événement" + (plain(data.kind) ? " : " + plain(data.kind) : ""); }
    return Object.prototype.hasOwnProperty.call(SIMPLE_COMMANDS, name) ? SIMPLE_COMMANDS[name] : null;
  }

  function lineText(line) {
    if (line.sender === "assistant") {
      rememberSlots(line.custom);
      return el("div", { "class": "text rich" }, [window.ArdoiseRichText.rich(line.text)]);
    }
    if (line.sender === "recruiter") {
      // as the candidate's chat shows it (an article sent from the quick replies has links)
      return el("div", { "class": "text rich" }, [window.ArdoiseRichText.rich(line.text)]);
    }
    var command = line.sender === "candidate" ? commandText(line.text) : null;
    return el("p", { "class": "text" + (command === null ? "" : " command"), text: command === null ? line.text : command });
  }

  function lineElement(line) {
    var who = line.sender === "candidate" ? "Candidat·e" :
      line.sender === "recruiter" ? (line.author || "Recruteur") + " (recrutement)" : "Assistant";
    return el("li", { "class": "line " + line.sender }, [
      el("span", { "class": "by", text: who }),
      el("span", { "class": "time", text: new Date(line.at * 1000).toLocaleTimeString() }),
      lineText(line)
    ]);
  }

  function summaryList(title, items) {
    return el("div", { "class": "summary-part" }, [
      el("h4", { text: title }),
      items && items.length ? el("ul", {}, items.map(function (item) { return el("li", { text: item }); })) :
        el("p", { "class": "empty", text: "—" })
    ]);
  }

  function renderDetail() {
    var h = current();
    // A conversation opened from its callback request's card may never have been handed off.
    var asked = detail && detail.callback;
    var conversation = detail && detail.conversation;
    // Updates re-render the view: what the recruiter was typing (and where) must survive.
    var drafts = {};
    var focused = document.activeElement && document.activeElement.id;
    var same = (h || asked) && main.getAttribute("data-conversation") === conversation;
    ["reply", "note", "quick-q"].forEach(function (id) {
      var box = document.getElementById(id);
      if (box) { drafts[id] = { value: box.value, start: box.selectionStart, end: box.selectionEnd }; }
    });
    main.textContent = "";
    if (!h && !asked) { return; }
    var mine = h && me && h.status === "claimed" && h.claimed_by_id === me.id;
    var summary = (h && h.summary) || {};
    var actions = el("div", { "class": "actions" });
    var feedback = el("p", { "class": "feedback", role: "alert" });
    if (!h) {
      // nothing to claim: the candidate waits for an e-mail (the card's status says where it is)
    } else if (h.status === "queued") {
      var claimButton = el("button", { type: "button", "class": "primary claim", text: "Prendre la conversation" });
      claimButton.addEventListener("click", function () {
        claimButton.disabled = true;
        api("POST", "/console/api/handoffs/" + h.id + "/claim").then(function (reply) {
          if (reply.status === 409) {
            feedback.textContent = "Déjà prise par " + (reply.data.by || "quelqu'un d'autre") + ".";
          } else if (reply.status !== 200) {
            feedback.textContent = reply.data.error || "Erreur";
          }
          return loadQueue();
        });
      });
      actions.appendChild(claimButton);
    } else if (h.status === "claimed" && !mine) {
      actions.appendChild(el("p", { "class": "holder", text: "Prise en charge par " + (h.claimed_by || "?") + "." }));
    } else if (mine) {
      [["return", "Rendre à l'assistant"], ["close", "Clore"]].forEach(function (spec) {
        var button = el("button", { type: "button", "class": spec[0], text: spec[1] });
        button.addEventListener("click", function () {
          api("POST", "/console/api/handoffs/" + h.id + "/" + spec[0]).then(function (reply) {
            if (reply.status !== 200) { feedback.textContent = reply.data.error || "Erreur"; }
            return loadQueue();
          });
        });
        actions.appendChild(button);
      });
    }
    slots = {};
    // tabindex: a long transcript scrolls, and the keyboard must reach it (axe,
    // scrollable-region-focusable)
    var transcript = el("ol", { "class": "transcript", id: "transcript", "aria-live": "polite",
      tabindex: "0", "aria-label": "Transcription de la conversation" },
      detail.transcript.map(lineElement));
    if (!detail.transcript.length) {
      transcript.appendChild(el("li", { "class": "empty", text: "Transcription effacée ou vide." }));
    }
    var language = String(h ? h.language : asked.language).toUpperCase();
    main.appendChild(el("section", { "class": "head", "aria-labelledby": "detail-title" }, [
      el("h2", { id: "detail-title", text: "Conversation " + conversation.slice(0, 8) + "… · " + language }),
      h ? el("p", { "class": "meta", text: (STATUS[h.status] || h.status) + " · " + (REASON[h.reason] || h.reason) +
        (h.topic ? " · " + (h.topic_label || h.topic) : "") + " · " + waiting(h) }) : null,
      asked ? el("p", { "class": "meta callback-meta", text: "Demande de réponse par e-mail (" +
        (CALLBACK_STATUS[asked.status] || asked.status) + ") · " + asked.name + " · " + asked.email }) : null,
      actions, feedback
    ]));
    if (h) {
      main.appendChild(el("section", { "class": "summary", "aria-label": "Résumé de l'assistant" }, [
        summaryList("Demandé", summary.asked), summaryList("Répondu", summary.answered),
        summaryList("Manque", summary.missing),
        summaryList("Ce qui compte pour ce candidat", summary.priorities || [])
      ]));
    }
    main.appendChild(el("section", { "class": "chat", "aria-label": "Transcription" }, [transcript]));
    if (mine) {
      var input = el("textarea", { id: "reply", rows: "3", maxlength: "2000" });
      var toggle = el("button", { type: "button", id: "quick-toggle", "class": "quick-toggle",
        "aria-expanded": quick.open ? "true" : "false", "aria-controls": "quick", text: "Réponses rapides" });
      var form = el("form", { "class": "composer" }, [
        el("label", { "for": "reply", text: "Votre message au candidat" }), input,
        el("div", { "class": "composer-actions" }, [
          el("button", { type: "submit", "class": "primary", text: "Envoyer" }), toggle
        ])
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = input.value.trim();
        if (!text) { return; }
        api("POST", "/console/api/handoffs/" + h.id + "/messages", { text: text }).then(function (reply) {
          if (reply.status === 200) { input.value = ""; } else { feedback.textContent = reply.data.error || "Erreur"; }
        });
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
      });
      toggle.addEventListener("click", function () {
        quick.open = !quick.open;
        if (quick.open) { loadQuick(h); } else { renderDetail(); }
      });
      main.appendChild(form);
      if (quick.open) { main.appendChild(quickPanel(h, input, feedback)); }
    }
    var notesList = el("ul", { "class": "notes" }, detail.notes.map(function (n) {
      return el("li", {}, [el("span", { "class": "by", text: n.author }), el("p", { text: n.text })]);
    }));
    var noteInput = el("textarea", { id: "note", rows: "2", maxlength: "4000" });
    var noteForm = el("form", { "class": "note-form" }, [
      el("label", { "for": "note", text: "Note interne (invisible du candidat)" }), noteInput,
      el("button", { type: "submit", text: "Ajouter la note" })
    ]);
    noteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/console/api/conversations/" + encodeURIComponent(conversation) + "/notes",
        { text: noteInput.value }).then(function (reply) {
        if (reply.status === 200) { noteInput.value = ""; } else { feedback.textContent = reply.data.error || "Erreur"; }
      });
    });
    main.appendChild(el("section", { "class": "notes-box", "aria-label": "Notes internes" }, [
      el("h3", { text: "Notes internes" }), notesList, noteForm
    ]));
    transcript.scrollTop = transcript.scrollHeight;
    main.setAttribute("data-conversation", conversation);
    Object.keys(drafts).forEach(function (id) {
      var box = document.getElementById(id);
      if (!same || !box || !drafts[id].value) { return; }
      box.value = drafts[id].value;
      if (id === "quick-q") { box.dispatchEvent(new Event("input")); }
      if (focused === id) { box.focus(); box.setSelectionRange(drafts[id].start, drafts[id].end); }
    });
  }

  // ------------------------------------------------------------ quick replies

  // HR's canned replies (filled in for this candidate), the knowledge base's articles and
  // their links, in the conversation's language: insert one in the composer to edit, or
  // send it in one click. The panel survives the detail's re-renders.
  var quick = { open: false, handoff: null, data: null, error: null };

  function loadQuick(h) {
    quick.handoff = h.id;
    return api("GET", "/console/api/handoffs/" + h.id + "/replies").then(function (reply) {
      quick.data = reply.ok ? reply.data : null;
      quick.error = reply.ok ? null : (reply.data.error || "Erreur");
      renderDetail();
      var search = document.getElementById("quick-q");
      if (search && quick.open && document.activeElement === document.body) { search.focus(); }
    });
  }

  function quickSend(h, body, feedback, done) {
    return api("POST", "/console/api/handoffs/" + h.id + "/messages", body).then(function (reply) {
      if (reply.status === 200) { feedback.textContent = ""; if (done) { done(); } }
      else { feedback.textContent = reply.data.error || "Erreur"; }
    });
  }

  function quickItem(kind, titleText, preview, insert, send) {
    return el("li", { "class": "quick-item", "data-kind": kind }, [
      el("div", { "class": "quick-text" }, [el("strong", { text: titleText }), preview]),
      el("div", { "class": "quick-buttons" }, [
        (function () {
          var b = el("button", { type: "button", "class": "quiet quick-insert", text: "Insérer",
            "aria-label": "Insérer dans le message : " + titleText });
          b.addEventListener("click", insert);
          return b;
        })(),
        (function () {
          var b = el("button", { type: "button", "class": "quick-send", text: "Envoyer",
            "aria-label": "Envoyer au candidat : " + titleText });
          b.addEventListener("click", function () { b.disabled = true; send().then(function () { b.disabled = false; }); });
          return b;
        })()
      ])
    ]);
  }

  function putInComposer(input, text) {
    input.value = input.value.trim() ? input.value.replace(/\s+$/, "") + "\n\n" + text : text;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function quickPanel(h, input, feedback) {
    var panel = el("section", { id: "quick", "class": "quick", "aria-labelledby": "quick-title" });
    if (quick.handoff !== h.id) { quick.data = null; quick.error = null; loadQuick(h); }
    var data = quick.data;
    panel.appendChild(el("h3", { id: "quick-title", text: "Réponses rapides" }));
    if (quick.error) { panel.appendChild(el("p", { "class": "error", role: "alert", text: quick.error })); return panel; }
    if (!data) { panel.appendChild(el("p", { "class": "empty", text: "Chargement…" })); return panel; }
    var lang = String(data.language).toUpperCase();
    panel.appendChild(el("p", { "class": "meta", text: "En " + (data.language === "en" ? "anglais" : "français") +
      " (" + lang + "), la langue de la conversation · " + (data.candidate ? "prénom : " + data.candidate :
      "prénom inconnu : laissé de côté") }));
    var search = el("input", { id: "quick-q", type: "search", maxlength: "100", autocomplete: "off" });
    panel.appendChild(el("label", { "for": "quick-q", text: "Chercher une réponse, un article, un lien" }));
    panel.appendChild(search);
    var lists = el("div", { "class": "quick-lists" });
    panel.appendChild(lists);
    function fold(text) { return String(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
    function draw() {
      var words = fold(search.value).split(/\s+/).filter(Boolean);
      function hit(text) { var folded = fold(text); return words.every(function (w) { return folded.indexOf(w) >= 0; }); }
      lists.textContent = "";
      var replies = data.replies.filter(function (r) { return hit(r.title + " " + r.text); });
      var articles = data.articles.filter(function (a) { return hit(a.title + " " + a.id); });
      var links = data.links.filter(function (l) { return hit(l.label + " " + l.title + " " + l.url); });
      function group(name, items, all, make, empty) {
        lists.appendChild(el("h4", { text: name + " (" + items.length + ")" }));
        lists.appendChild(items.length ? el("ul", { "class": "quick-list" }, items.slice(0, 30).map(make)) :
          el("p", { "class": "empty", text: all.length ? "Rien ne correspond à votre recherche." : empty }));
        if (items.length > 30) { lists.appendChild(el("p", { "class": "meta", text: "Les 30 premiers : précisez la recherche." })); }
      }
      group("Réponses types", replies, data.replies, function (r) {
        return quickItem("reply", r.title, el("div", { "class": "rich" }, [window.ArdoiseRichText.rich(r.text)]),
          function () { putInComposer(input, r.text); },
          function () { return quickSend(h, { reply: r.id }, feedback); });
      }, "Aucune réponse type : les RH les rédigent dans leur espace.");
      group("Articles", articles, data.articles, function (a) {
        return quickItem("article", a.title, el("span", { "class": "sub", text: a.id }),
          function () {
            api("GET", "/console/api/handoffs/" + h.id + "/articles/" + encodeURIComponent(a.id)).then(function (reply) {
              if (reply.ok) { putInComposer(input, reply.data.text); } else { feedback.textContent = reply.data.error || "Erreur"; }
            });
          },
          function () { return quickSend(h, { article: a.id }, feedback); });
      }, "Aucun article.");
      group("Liens", links, data.links, function (l) {
        var text = "[" + l.label.replace(/[\[\]]/g, "") + "](" + l.url + ")";
        return quickItem("link", l.label, el("span", { "class": "sub", text: l.url + " · " + l.title }),
          function () { putInComposer(input, text); },
          function () { return quickSend(h, { text: text }, feedback); });
      }, "Aucun lien.");
    }
    search.addEventListener("input", draw);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { quick.open = false; renderDetail(); document.getElementById("quick-toggle").focus(); }
    });
    draw();
    return panel;
  }

  // ------------------------------------------------------------ callbacks

  var CALLBACK_STATUS = { "new": "nouvelle", in_progress: "en cours", done: "traitée" };

  // A link to the conversation a request came from (the card says nothing when it is gone).
  function conversationLink(conversation) {
    var link = el("a", { "class": "open-conversation", href: "#conversation=" + encodeURIComponent(conversation),
      text: "Voir la conversation" });
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.history.replaceState(null, "", link.getAttribute("href"));
      loadDetail(conversation, true);
    });
    return link;
  }

  // `/console#conversation=…` (a link opened in a new tab) opens that conversation.
  function conversationInAddress() {
    var match = /^#conversation=(.+)$/.exec(window.location.hash);
    if (!match) { return null; }
    try { return decodeURIComponent(match[1]); } catch (e) { return null; }
  }

  function loadCallbacks() {
    return api("GET", "/console/api/callbacks").then(function (reply) {
      var list = document.getElementById("callbacks");
      var items = reply.data.callbacks || [];
      list.textContent = "";
      document.getElementById("callbacks-count").textContent =
        String(items.filter(function (c) { return c.status === "new"; }).length);
      items.forEach(function (c) {
        var select = el("select", { "aria-label": "Statut de la demande de " + c.name, "class": "callback-status" });
        Object.keys(CALLBACK_STATUS).forEach(function (key) {
          var option = el("option", { value: key, text: CALLBACK_STATUS[key] });
          if (key === c.status) { option.selected = true; }
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          api("POST", "/console/api/callbacks/" + c.id, { status: select.value }).then(loadCallbacks);
        });
        list.appendChild(el("li", { "class": "callback " + c.status, "data-id": String(c.id) }, [
          el("p", { "class": "who-line" }, [
            el("strong", { text: c.name }), document.createTextNode(" · "),
            el("a", { href: "mailto:" + encodeURIComponent(c.email).replace("%40", "@"), text: c.email }),
            document.createTextNode(" · " + c.language.toUpperCase())
          ]),
          el("p", { "class": "question", text: c.question }),
          c.transcript ? conversationLink(c.conversation) : null,
          select
        ]));
      });
    });
  }

  // ------------------------------------------------------------ applications (issue 14)

  var APPLICATION_STATUS = { "new": "nouvelle", in_review: "en cours d'examen", forwarded: "transmise" };
  var applicationJob = document.getElementById("applications-job");
  var applicationStatus = document.getElementById("applications-status");

  function applicationDay(iso) {
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
  }

  function applicationElement(a) {
    var who = a.first_name + " " + a.last_name;
    var select = el("select", { "aria-label": "Statut de la candidature de " + who, "class": "application-status" });
    Object.keys(APPLICATION_STATUS).forEach(function (key) {
      var option = el("option", { value: key, text: APPLICATION_STATUS[key] });
      if (key === a.status) { option.selected = true; }
      select.appendChild(option);
    });
    var feedback = document.getElementById("applications-feedback");
    select.addEventListener("change", function () {
      api("POST", "/console/api/applications/" + encodeURIComponent(a.id) + "/status", { status: select.value }).then(function (reply) {
        feedback.textContent = reply.ok ? "" : (reply.data.error || "Erreur");
        return loadApplications();
      });
    });
    var links = [];
    if (a.cv) {
      links.push(el("a", { "class": "cv-download", href: "/console/api/applications/" + encodeURIComponent(a.id) + "/cv",
        download: "", text: "Télécharger le CV (" + a.cv.kind.toUpperCase() + ", " + Math.max(1, Math.round(a.cv.size / 1024)) + " Ko)" }));
    }
    if (a.url && /^https?:\/\//i.test(a.url)) {
      links.push(el("a", { "class": "profile", href: a.url, target: "_blank", rel: "noopener noreferrer", text: a.url }));
    }
    return el("li", { "class": "application " + a.status, "data-id": a.id }, [
      el("p", { "class": "who-line" }, [
        el("strong", { text: who }), document.createTextNode(" · "),
        el("a", { href: "mailto:" + encodeURIComponent(a.email).replace("%40", "@"), text: a.email }),
        document.createTextNode(" · " + String(a.language).toUpperCase())
      ]),
      el("p", { "class": "meta", text: a.job_title + " · " + applicationDay(a.created_at) +
        (a.status_by ? " · " + APPLICATION_STATUS[a.status] + " par " + a.status_by : "") }),
      a.message ? el("p", { "class": "question", text: a.message }) : null,
      links.length ? el("p", { "class": "application-links" }, links) : null,
      select
    ]);
  }

  function loadApplications() {
    var params = new URLSearchParams();
    if (applicationJob.value) { params.set("job", applicationJob.value); }
    if (applicationStatus.value) { params.set("status", applicationStatus.value); }
    return newest("applications", api("GET", "/console/api/applications?" + params.toString())).then(function (reply) {
      if (!reply) { return; }
      if (!reply.ok) { document.getElementById("applications-feedback").textContent = reply.data.error || "Erreur"; return; }
      var chosen = applicationJob.value;
      applicationJob.textContent = "";
      applicationJob.appendChild(el("option", { value: "", text: "tous" }));
      (reply.data.jobs || []).forEach(function (j) {
        applicationJob.appendChild(el("option", { value: j.id, text: j.title + (j.status === "closed" ? " (fermé)" : "") }));
      });
      applicationJob.value = chosen;
      communityButton.hidden = !applicationJob.value;
      var items = reply.data.applications || [];
      var list = document.getElementById("applications");
      list.textContent = "";
      items.forEach(function (a) { list.appendChild(applicationElement(a)); });
      document.getElementById("applications-count").textContent =
        String(items.filter(function (a) { return a.status === "new"; }).length);
      document.getElementById("applications-empty").hidden = items.length > 0;
    });
  }
  applicationJob.addEventListener("change", function () {
    communityButton.hidden = !applicationJob.value;
    loadApplications();
  });
  applicationStatus.addEventListener("change", loadApplications);

  // ------------------------------------------------------------ talent community (issue 14)

  // The members of the talent community a position fits (their wishes met, their e-mail
  // confirmed), and a message to them: the server sends it only to those not written to
  // within the week, each with an unsubscribe link, and keeps it in the audit journal.
  var TEAM_NAMES = {
    platform: "Plateforme", data_ml: "Data & ML", product_engineering: "Ingénierie produit", mobile: "Mobile",
    design: "Design", customer_success: "Customer Success", sales: "Ventes", people: "People (RH)"
  };
  var LEVEL_NAMES = { intern: "stage / alternance", junior: "junior", confirmed: "confirmé", senior: "senior" };
  var WORK_LANGUAGES = { fr: "français", en: "anglais" };
  var MAX_SUBJECT = 150;
  var MAX_TEXT = 5000;
  var communityButton = document.getElementById("applications-community");
  var openCommunity = null;   // the position whose members the main area shows

  function communityDay(iso) {
    var d = new Date(iso);
    return !iso || isNaN(d) ? "—" : d.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
  }

  function communityMoment(iso) {
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString("fr-FR",
      { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // "Plateforme, Data & ML · Lyon · télétravail complet · senior · français, anglais"
  function wishesText(m) {
    var parts = [];
    parts.push((m.teams || []).length ? m.teams.map(function (t) { return TEAM_NAMES[t] || t; }).join(", ") : "toutes équipes");
    parts.push((m.locations || []).length ? m.locations.join(", ") : "toutes villes");
    if (m.remote) { parts.push("télétravail complet"); }
    if (m.level) { parts.push(LEVEL_NAMES[m.level] || m.level); }
    if ((m.languages || []).length) {
      parts.push("travaille en " + m.languages.map(function (l) { return WORK_LANGUAGES[l] || l; }).join(", "));
    }
    return parts.join(" · ");
  }

  function memberElement(m) {
    return el("li", { "class": "community-member", "data-member": m.id }, [
      el("p", { "class": "who-line" }, [
        el("a", { href: "mailto:" + encodeURIComponent(m.email).replace("%40", "@"), text: m.email }),
        document.createTextNode(" · " + String(m.language || "").toUpperCase())
      ]),
      el("p", { "class": "wishes", text: wishesText(m) }),
      el("p", { "class": "meta", text: "Inscrit·e le " + communityDay(m.joined_at) + " · jusqu'au " + communityDay(m.expires_at) +
        (m.last_mailed_at ? " · dernier e-mail le " + communityDay(m.last_mailed_at) : "") })
    ]);
  }

  // "3 envoyés, 2 déjà contactés cette semaine : prochain envoi possible le …"
  function sentText(result) {
    var text = result.sent + " envoyé" + (result.sent > 1 ? "s" : "");
    if (result.sent < result.reached) { text += " (sur " + result.reached + " : le serveur d'e-mail en a refusé)"; }
    if (result.waiting) {
      text += ", " + result.waiting + " déjà contacté" + (result.waiting > 1 ? "s" : "") + " cette semaine";
      if (result.next_possible) { text += " : prochain envoi possible le " + communityMoment(result.next_possible); }
    }
    return text + ".";
  }

  function showCommunity(jobId, focus) {
    openCommunity = jobId;
    if (openEvent !== null) { openEvent = null; main.removeAttribute("data-event"); renderEvents(); }
    selected = null;
    detail = null;
    main.removeAttribute("data-conversation");
    renderQueue();
    return api("GET", "/console/api/community/matches?job=" + encodeURIComponent(jobId)).then(function (reply) {
      if (openCommunity !== jobId) { return; }
      main.textContent = "";
      main.setAttribute("data-community", jobId);
      if (!reply.ok) {
        main.appendChild(el("p", { "class": "feedback", role: "alert", text: reply.data.error || "Erreur" }));
      } else {
        renderCommunity(reply.data);
      }
      if (focus) { main.focus(); main.scrollIntoView({ block: "start" }); }
    });
  }

  function renderCommunity(data) {
    var members = data.members || [];
    var list = el("ul", { "class": "community-members", id: "community-members" });
    var count = el("p", { "class": "meta", id: "community-count" });
    function drawMembers(items) {
      list.textContent = "";
      items.forEach(function (m) { list.appendChild(memberElement(m)); });
      count.textContent = items.length ? items.length + " membre(s) de la communauté de talents : ce poste correspond à leurs souhaits."
        : "Aucun membre de la communauté de talents n'a de souhaits auxquels ce poste correspond.";
    }
    drawMembers(members);
    main.appendChild(el("section", { "class": "head community-head", "aria-labelledby": "community-title" }, [
      el("h2", { id: "community-title", text: "Communauté de talents · " + data.title }), count
    ]));
    main.appendChild(el("section", { "aria-label": "Membres" }, [list]));

    var subject = el("input", { id: "community-subject", name: "subject", maxlength: String(MAX_SUBJECT), required: true });
    var text = el("textarea", { id: "community-text", name: "text", rows: "6", maxlength: String(MAX_TEXT), required: true });
    var send = el("button", { type: "submit", "class": "primary", text: "Envoyer" });
    var result = el("p", { "class": "sent", id: "community-result", role: "status" });
    var problem = el("p", { "class": "feedback", id: "community-feedback", role: "alert" });
    var form = el("form", { "class": "community-message", id: "community-form", "aria-labelledby": "community-form-title" }, [
      el("h3", { id: "community-form-title", text: "Écrire à ces membres" }),
      el("p", { "class": "meta", text: "Chacun le reçoit par e-mail, avec un lien de désinscription, sauf ceux déjà " +
        "contactés cette semaine (un e-mail par semaine au plus). Le message est envoyé en texte brut et noté dans le journal." }),
      el("label", { "for": "community-subject", text: "Objet" }), subject,
      el("label", { "for": "community-text", text: "Message" }), text,
      el("div", { "class": "actions" }, [send]), result, problem
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      problem.textContent = "";
      result.textContent = "";
      send.disabled = true;
      var jobId = data.job;
      api("POST", "/console/api/community/messages", { job: jobId, subject: subject.value, text: text.value }).then(function (reply) {
        send.disabled = false;
        if (openCommunity !== jobId) { return; }
        if (!reply.ok) { problem.textContent = reply.data.error || "Erreur"; return; }
        result.textContent = sentText(reply.data);
        subject.value = "";
        text.value = "";
        // the list shows when each member was last written to
        api("GET", "/console/api/community/matches?job=" + encodeURIComponent(jobId)).then(function (again) {
          if (openCommunity === jobId && again.ok) { drawMembers(again.data.members || []); }
        });
      });
    });
    if (members.length) { main.appendChild(form); }
  }

  communityButton.addEventListener("click", function () {
    if (applicationJob.value) { showCommunity(applicationJob.value, true); }
  });

  // ------------------------------------------------------------ team coffees

  var COFFEE_STATUS = { confirmed: "confirmé", cancelled: "annulé", declined: "décliné par l'hôte" };
  var ATTENDANCE = { attended: "venu·e", no_show: "absent·e" };
  var COFFEE_ERRORS = {
    coffee_not_started: "Ce café n'a pas encore eu lieu.",
    coffee_not_held: "Ce café a été annulé ou décliné.",
    coffee_unknown: "Café introuvable.",
    attendance_unknown: "Présence inconnue."
  };
  var coffeeWhen = "upcoming";
  var coffeeItems = [];
  var coffeeTotal = 0;
  var coffeeList = document.getElementById("coffees");
  var coffeeFeedback = document.getElementById("coffees-feedback");
  var coffeeMore = document.getElementById("coffees-more");

  function loadCoffees(more) {
    var offset = more ? coffeeItems.length : 0;
    return newest("coffees", api("GET", "/console/api/coffees?when=" + coffeeWhen + "&offset=" + offset)).then(function (reply) {
      if (!reply) { return; }
      if (reply.status !== 200) { coffeeFeedback.textContent = reply.data.error || "Erreur"; return; }
      coffeeItems = more ? coffeeItems.concat(reply.data.coffees) : reply.data.coffees;
      coffeeTotal = reply.data.total;
      renderCoffees();
    });
  }

  function coffeeElement(c) {
    var state = COFFEE_STATUS[c.status] || c.status;
    if (c.attendance) { state += " · " + (ATTENDANCE[c.attendance] || c.attendance); }
    var item = el("li", { "class": "coffee " + c.status, "data-id": c.id }, [
      el("p", { "class": "when" }, [el("strong", { text: c.when })]),
      el("p", { "class": "who-line" }, [
        el("span", { "class": "candidate", text: c.candidate }), document.createTextNode(" · "),
        el("a", { href: "mailto:" + encodeURIComponent(c.email).replace("%40", "@"), text: c.email }),
        document.createTextNode(" · " + String(c.language).toUpperCase())
      ]),
      el("p", { "class": "host", text: "Avec " + c.host + (c.host_role ? " (" + c.host_role + ")" : "") }),
      c.note ? el("p", { "class": "note", text: c.note }) : null,
      el("p", { "class": "coffee-status", text: state +
        (c.attendance_by ? " (noté par " + c.attendance_by + ")" : "") })
    ]);
    if (c.markable) {
      var marks = el("div", { "class": "marks", role: "group", "aria-label": "Présence de " + c.candidate });
      [["attended", "Venu·e"], ["no_show", "Absent·e"]].forEach(function (spec) {
        var button = el("button", { type: "button", "class": "mark " + spec[0], text: spec[1],
          "aria-pressed": c.attendance === spec[0] ? "true" : "false" });
        button.addEventListener("click", function () {
          button.disabled = true;
          api("POST", "/console/api/coffees/" + encodeURIComponent(c.id) + "/attendance",
            { attendance: spec[0] }).then(function (reply) {
            if (reply.status !== 200) {
              coffeeFeedback.textContent = COFFEE_ERRORS[reply.data.code] || reply.data.error || "Erreur";
            } else { coffeeFeedback.textContent = ""; }
            return loadCoffees(false);
          });
        });
        marks.appendChild(button);
      });
      item.appendChild(marks);
    }
    return item;
  }

  function renderCoffees() {
    coffeeList.textContent = "";
    coffeeItems.forEach(function (c) { coffeeList.appendChild(coffeeElement(c)); });
    document.getElementById("coffees-count").textContent = String(coffeeTotal);
    document.getElementById("coffees-empty").hidden = coffeeItems.length > 0;
    coffeeMore.hidden = coffeeItems.length >= coffeeTotal;
  }

  ["upcoming", "past"].forEach(function (when) {
    var tab = document.getElementById("coffees-" + when);
    tab.addEventListener("click", function () {
      coffeeWhen = when;
      ["upcoming", "past"].forEach(function (other) {
        document.getElementById("coffees-" + other).setAttribute("aria-pressed", other === when ? "true" : "false");
      });
      coffeeFeedback.textContent = "";
      loadCoffees(false);
    });
  });
  coffeeMore.addEventListener("click", function () { loadCoffees(true); });

  // ------------------------------------------------------------ open houses and reverse Q&As

  var REGISTRATION_STATUS = {
    confirmed: "confirmé·e", offered: "place proposée", waitlisted: "liste d'attente",
    cancelled: "annulé·e", expired: "offre expirée"
  };
  var ENDED_BY = { candidate: "par le candidat", offer: "offre non confirmée à temps", event: "date annulée" };
  var EVENT_ERRORS = {
    registration_closed: "Seule une inscription confirmée se pointe.",
    registration_unknown: "Inscription introuvable.",
    attendance_unknown: "Présence inconnue.",
    event_unknown: "Cet événement n'existe pas (ou plus).",
    question_unknown: "Question introuvable.",
    answered_invalid: "Valeur « répondu » invalide.",
    status_unknown: "Statut de question invalide."
  };
  var EVENT_PAGE = 10;
  var eventWhen = "upcoming";
  var eventItems = [];
  var eventShown = EVENT_PAGE;
  var openEvent = null;     // id of the date shown in the main area
  var eventFocus = null;    // the button to focus again once the date is drawn anew
  var eventList = document.getElementById("events");
  var eventFeedback = document.getElementById("events-feedback");
  var eventMore = document.getElementById("events-more");

  function errorText(reply) {
    return EVENT_ERRORS[reply.data && reply.data.code] || (reply.data && reply.data.error) || "Erreur";
  }

  // "2026-12-10" (office day) -> "jeudi 10 décembre 2026": the date is the office's, not the browser's.
  function eventDay(iso) {
    var d = new Date(iso + "T12:00:00Z");
    return isNaN(d) ? String(iso) : d.toLocaleDateString("fr-FR",
      { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function eventWhenText(e) {
    return eventDay(e.date) + (e.end_date && e.end_date !== e.date ? " → " + eventDay(e.end_date) : "") +
      (e.start_time ? ", " + e.start_time + (e.end_time ? "–" + e.end_time : "") : "");
  }

  function seatsText(e) {
    var parts = ["places " + e.seats_taken + "/" + e.capacity];
    if (e.waitlist) { parts.push("liste d'attente " + e.waitlist); }
    if (e.questions) { parts.push(e.questions + " question(s)"); }
    if (e.attended || e.no_shows) { parts.push(e.attended + " présent·e(s), " + e.no_shows + " absent·e(s)"); }
    return parts.join(" · ");
  }

  function loadEvents() {
    return newest("events", api("GET", "/console/api/events?when=" + eventWhen)).then(function (reply) {
      if (!reply) { return; }
      if (reply.status !== 200) { eventFeedback.textContent = errorText(reply); return; }
      eventItems = reply.data.events || [];
      renderEvents();
    });
  }

  function renderEvents() {
    eventList.textContent = "";
    eventItems.slice(0, eventShown).forEach(function (e) {
      var button = el("button", { type: "button", "class": "item event-item" + (e.status === "cancelled" ? " cancelled" : ""),
        "data-event": String(e.id), "aria-current": e.id === openEvent ? "true" : null }, [
        el("span", { "class": "tags" }, [
          el("span", { "class": "kind", text: e.name || e.kind }),
          e.status === "cancelled" ? el("span", { "class": "status", text: "annulé" }) : null
        ]),
        el("span", { "class": "when", text: eventWhenText(e) }),
        el("span", { "class": "wait seats", text: seatsText(e) })
      ]);
      button.addEventListener("click", function () { showEvent(e.id, true); });
      eventList.appendChild(el("li", {}, [button]));
    });
    document.getElementById("events-count").textContent = String(eventItems.length);
    document.getElementById("events-empty").hidden = eventItems.length > 0;
    eventMore.hidden = eventItems.length <= eventShown;
  }

  ["upcoming", "past"].forEach(function (when) {
    document.getElementById("events-" + when).addEventListener("click", function () {
      eventWhen = when;
      eventShown = EVENT_PAGE;
      ["upcoming", "past"].forEach(function (other) {
        document.getElementById("events-" + other).setAttribute("aria-pressed", other === when ? "true" : "false");
      });
      eventFeedback.textContent = "";
      loadEvents();
    });
  });
  eventMore.addEventListener("click", function () { eventShown += EVENT_PAGE; renderEvents(); });

  // One date in the main area: check-in first (the list ticked on a phone on the day),
  // then seats offered, the waitlist, ended registrations and, for a reverse Q&A, the questions.
  function showEvent(eventId, focus) {
    openEvent = eventId;
    openCommunity = null;
    main.removeAttribute("data-community");
    selected = null;
    detail = null;
    main.removeAttribute("data-conversation");
    renderQueue();
    renderEvents();
    var path = "/console/api/events/" + encodeURIComponent(eventId);
    return Promise.all([api("GET", path + "/registrations"), api("GET", path + "/questions")]).then(function (replies) {
      if (openEvent !== eventId) { return; }
      if (replies[0].status !== 200) { eventFeedback.textContent = errorText(replies[0]); return; }
      var questions = replies[1].status === 200 ? replies[1].data.questions || [] : [];
      renderEvent(replies[0].data, questions);
      if (focus) { main.focus(); main.scrollIntoView({ block: "start" }); }
    });
  }

  function focusKey() {
    var active = document.activeElement;
    return active && main.contains(active) ? active.getAttribute("data-key") : null;
  }

  function renderEvent(data, questions) {
    var e = data.event;
    var rows = data.registrations || [];
    var key = eventFocus || focusKey();
    eventFocus = null;
    main.textContent = "";
    main.setAttribute("data-event", String(e.id));
    var feedback = el("p", { "class": "feedback", id: "event-feedback", role: "alert" });
    var csv = el("a", { "class": "button csv", href: "/console/api/events/" + encodeURIComponent(e.id) + "/registrations.csv",
      download: "", text: "Télécharger les inscriptions (CSV)" });
    var place = e.online ? "En ligne" + (e.video_url ? " · " + e.video_url : "") : (e.place_fr || e.place_en || "");
    main.appendChild(el("section", { "class": "head event-head", "aria-labelledby": "event-title" }, [
      el("h2", { id: "event-title", text: (e.name || e.kind) + " · " + eventWhenText(e) }),
      place ? el("p", { "class": "meta place", text: place }) : null,
      el("p", { "class": "meta seats", text: seatsText(e) + (e.status === "cancelled" ? " · date annulée" : "") }),
      el("div", { "class": "actions" }, [csv]),
      feedback
    ]));

    function reload() { return showEvent(e.id, false); }
    // A reverse Q&A's host needs the questions during the session: they come first there.
    var hostFirst = e.kind === "reverse_qa";
    if (hostFirst) { main.appendChild(hostQuestions(questions, feedback, reload)); }

    var confirmed = rows.filter(function (r) { return r.status === "confirmed"; });
    var checkin = el("ul", { "class": "checkin-list" }, confirmed.map(function (r) {
      var state = r.attendance === "attended" ? "présent·e" : r.attendance === "no_show" ? "absent·e" : "pas encore pointé·e";
      var item = el("li", { "class": "registration checkin-row" + (r.attendance ? " " + r.attendance : ""), "data-id": r.id }, [
        el("p", { "class": "person" }, [
          el("strong", { "class": "name", text: r.first_name }),
          el("span", { "class": "seat", text: " · place " + r.seat })
        ]),
        el("p", { "class": "email", text: r.email }),
        el("p", { "class": "mark-state", text: state + (r.attendance_by ? " (noté par " + r.attendance_by + ")" : "") })
      ]);
      var marks = el("div", { "class": "marks", role: "group", "aria-label": "Présence de " + r.first_name });
      [["attended", "Présent·e"], ["no_show", "Absent·e"]].forEach(function (spec) {
        var pressed = r.attendance === spec[0];
        var button = el("button", { type: "button", "class": "checkin " + spec[0], text: spec[1],
          "aria-pressed": pressed ? "true" : "false", "data-key": "mark-" + r.id + "-" + spec[0] });
        button.addEventListener("click", function () {
          button.disabled = true;
          eventFocus = button.getAttribute("data-key");
          // A second tap on the pressed mark clears it (a tap on the wrong row).
          api("POST", "/console/api/registrations/" + encodeURIComponent(r.id) + "/attendance",
            { attendance: pressed ? null : spec[0] }).then(function (reply) {
            if (reply.status !== 200) { feedback.textContent = errorText(reply); button.disabled = false; return; }
            return reload();
          });
        });
        marks.appendChild(button);
      });
      item.appendChild(marks);
      return item;
    }));
    main.appendChild(el("section", { "class": "checkin-box", "aria-labelledby": "checkin-title" }, [
      el("h3", { id: "checkin-title", text: "Pointage · " + confirmed.length + " inscrit·e(s) confirmé·e(s)" }),
      confirmed.length ? checkin : el("p", { "class": "empty", text: "Aucune inscription confirmée." })
    ]));

    function person(r, extra) {
      return el("li", { "class": "registration " + r.status, "data-id": r.id }, [
        el("strong", { "class": "name", text: r.first_name }),
        document.createTextNode(" · "),
        el("span", { "class": "email", text: r.email }),
        document.createTextNode(" · " + String(r.language || "").toUpperCase() + (extra ? " · " + extra : ""))
      ]);
    }
    var offered = rows.filter(function (r) { return r.status === "offered"; });
    if (offered.length) {
      main.appendChild(el("section", { "class": "offers", "aria-labelledby": "offers-title" }, [
        el("h3", { id: "offers-title", text: "Places proposées, en attente de réponse" }),
        el("ul", { "class": "people" }, offered.map(function (r) {
          return person(r, "place " + r.seat + (r.offer_expires_at ? ", à confirmer avant le " +
            new Date(r.offer_expires_at).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" }) : ""));
        }))
      ]));
    }
    var waiting = rows.filter(function (r) { return r.status === "waitlisted"; });
    main.appendChild(el("section", { "class": "waitlist", "aria-labelledby": "waitlist-title" }, [
      el("h3", { id: "waitlist-title", text: "Liste d'attente · " + waiting.length }),
      waiting.length ? el("ul", { "class": "people" }, waiting.map(function (r) { return person(r, "n° " + r.position); })) :
        el("p", { "class": "empty", text: "Personne en liste d'attente." })
    ]));
    var ended = rows.filter(function (r) { return r.status === "cancelled" || r.status === "expired"; });
    if (ended.length) {
      main.appendChild(el("section", { "class": "ended", "aria-labelledby": "ended-title" }, [
        el("h3", { id: "ended-title", text: "Inscriptions terminées · " + ended.length }),
        el("ul", { "class": "people" }, ended.map(function (r) {
          return person(r, (REGISTRATION_STATUS[r.status] || r.status) + (r.ended_by ? " (" + (ENDED_BY[r.ended_by] || r.ended_by) + ")" : ""));
        }))
      ]));
    }
    if (!hostFirst && questions.length) {
      main.appendChild(hostQuestions(questions, feedback, reload));
    }
    if (key) {
      var again = main.querySelector('[data-key="' + key + '"]');
      if (again) { again.focus(); }
    }
  }

  // The host's view of a reverse Q&A: most voted first, never who asked.
  function hostQuestions(questions, feedback, reload) {
    var list = el("ol", { "class": "host-questions" }, questions.map(function (q) {
      var item = el("li", { "class": "question" + (q.answered ? " answered" : "") + (q.status === "hidden" ? " hidden-question" : ""),
        "data-id": q.id }, [
        el("p", { "class": "votes", text: q.votes + " vote" + (q.votes > 1 ? "s" : "") +
          (q.status === "hidden" ? " · masquée aux candidats" : "") + (q.answered ? " · répondue" : "") }),
        el("p", { "class": "text", text: q.text })
      ]);
      var answered = el("button", { type: "button", "class": "answered-toggle", text: "Répondu",
        "aria-pressed": q.answered ? "true" : "false", "data-key": "answered-" + q.id });
      answered.addEventListener("click", function () {
        answered.disabled = true;
        eventFocus = answered.getAttribute("data-key");
        api("POST", "/console/api/questions/" + encodeURIComponent(q.id) + "/answered", { answered: !q.answered })
          .then(function (reply) {
            if (reply.status !== 200) { feedback.textContent = errorText(reply); answered.disabled = false; return; }
            return reload();
          });
      });
      var hidden = q.status === "hidden";
      var visibility = el("button", { type: "button", "class": "visibility", text: hidden ? "Afficher" : "Masquer",
        "data-key": "visibility-" + q.id });
      visibility.addEventListener("click", function () {
        visibility.disabled = true;
        eventFocus = visibility.getAttribute("data-key");
        api("POST", "/console/api/questions/" + encodeURIComponent(q.id) + "/status", { status: hidden ? "open" : "hidden" })
          .then(function (reply) {
            if (reply.status !== 200) { feedback.textContent = errorText(reply); visibility.disabled = false; return; }
            return reload();
          });
      });
      item.appendChild(el("div", { "class": "marks", role: "group", "aria-label": "Question " + q.id }, [answered, visibility]));
      return item;
    }));
    return el("section", { "class": "questions-box", "aria-labelledby": "questions-title" }, [
      el("h3", { id: "questions-title", text: "Questions des candidats · " + questions.length }),
      el("p", { "class": "meta", text: "Classées par votes ; les candidats ne voient pas les questions masquées." }),
      questions.length ? list : el("p", { "class": "empty", text: "Aucune question pour l'instant." })
    ]);
  }

  // ------------------------------------------------------------ search

  document.getElementById("search").addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(event.target));
    newest("search", api("GET", "/console/api/search?" + params.toString())).then(function (reply) {
      if (!reply) { return; }
      var results = document.getElementById("results");
      results.textContent = "";
      if (reply.status !== 200) {
        results.appendChild(el("li", { "class": "error", text: reply.data.error || "Erreur" }));
        return;
      }
      if (!reply.data.handoffs.length) { results.appendChild(el("li", { "class": "empty", text: "Aucun résultat." })); }
      reply.data.handoffs.forEach(function (h) {
        var button = el("button", { type: "button", "class": "item " + h.status }, [
          el("span", { "class": "tags" }, [
            el("span", { "class": "lang", text: h.language.toUpperCase() }),
            el("span", { "class": "status", text: STATUS[h.status] || h.status })
          ]),
          el("span", { "class": "wait", text: new Date(h.requested_at).toLocaleString() }),
          el("span", { "class": "preview", text: ((h.summary && h.summary.asked) || []).slice(-1)[0] || h.reason })
        ]);
        button.addEventListener("click", function () { loadDetail(h.conversation, true); });
        results.appendChild(el("li", {}, [button]));
      });
    });
  });

  // ------------------------------------------------------------ live

  function connect(delay) {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/console/ws");
    socket.addEventListener("open", function () {
      link.textContent = "En direct";
      link.className = "link live";
      loadQueue();
      loadCallbacks();
      loadApplications();
      loadCoffees(false);
      loadEvents();
      if (openEvent !== null) { showEvent(openEvent, false); }
    });
    socket.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "queue") { loadQueue(); }
      else if (message.type === "callbacks") { loadCallbacks(); }
      else if (message.type === "applications") { loadApplications(); }
      else if (message.type === "coffees") { loadCoffees(false); }
      else if (message.type === "events" || message.type === "questions") {
        loadEvents();
        if (openEvent !== null) { showEvent(openEvent, false); }
      }
      else if (message.type === "line" && message.conversation === selected && detail) {
        detail.transcript.push(message.line);
        var list = document.getElementById("transcript");
        if (list) { list.appendChild(lineElement(message.line)); list.scrollTop = list.scrollHeight; }
      } else if (message.type === "notes" && message.conversation === selected) {
        loadDetail(selected, false);
      }
    });
    socket.addEventListener("close", function () {
      link.textContent = "Reconnexion…";
      link.className = "link down";
      var next = Math.min((delay || 500) * 2, 5000);
      window.setTimeout(function () { connect(next); }, next);
    });
  }

  document.getElementById("logout").addEventListener("click", function () {
    api("POST", "/console/logout").then(function () { window.location.href = "/console/login"; });
  });

  window.setInterval(renderQueue, 15000);
  api("GET", "/console/api/me").then(function (reply) {
    me = reply.data;
    connect(500);
    var asked = conversationInAddress();
    if (asked) { loadDetail(asked, true); }
  });
  window.addEventListener("hashchange", function () {
    var asked = conversationInAddress();
    if (asked && asked !== selected) { loadDetail(asked, true); }
  });
})();
