// The Ardoise Labs chat widget. Served as /widget.js inside a closure that
// provides `io` (the socket.io client) and `CONFIG` (bot/web/app.py).
// No framework, no innerHTML: every text from the server or the candidate is
// put in the page as text; links are made only for http, https and mailto.
"use strict";

var script = document.currentScript ||
  document.querySelector('script[src*="widget.js"]');
if (!script || window.__ardoiseChatLoaded) { return; }
window.__ardoiseChatLoaded = true;

var MAX_CHARS = 2000;
var STORAGE_KEY = "ardoise-chat";
var ASSET_BASE = new URL(script.src, document.baseURI);

var TEXTS = {
  fr: {
    open: "Discuter avec l'assistant",
    close: "Fermer le chat",
    title: "Ardoise Labs",
    subtitle: "Assistant virtuel · Recrutement",
    language: "Langue de l'assistant",
    newConversation: "Nouvelle conversation",
    human: "Parler à un recruteur",
    humanMessage: "Je voudrais parler à une personne de l'équipe recrutement.",
    label: "Votre message",
    placeholder: "Posez votre question…",
    send: "Envoyer",
    notice: "Je suis l'assistant virtuel d'Ardoise Labs : un programme automatique, pas une personne. " +
      "Vos messages sont conservés {days} jours pour vous répondre et améliorer nos réponses. " +
      "Ne partagez pas d'informations sensibles. Un recruteur peut prendre le relais à tout moment.",
    privacy: "Données personnelles",
    understood: "J'ai compris",
    footer: "Assistant virtuel (IA)",
    typing: "L'assistant écrit…",
    offline: "Connexion perdue : vos messages partiront dès son retour.",
    you: "Vous",
    assistant: "Assistant",
    recruiter: "{name} · recrutement",
    joined: "{name} (recrutement) a rejoint la conversation.",
    left: "{name} (recrutement) a quitté la conversation. L'assistant reprend la main.",
    helpful: "Réponse utile",
    notHelpful: "Réponse pas utile",
    thanks: "Merci pour votre retour.",
    pending: "Envoi en cours",
    failed: "Message non envoyé : {error}",
    tooLong: "Message trop long : {max} caractères au plus.",
    suggestions: "Suggestions",
    starters: "Questions fréquentes",
    conversation: "Conversation avec l'assistant",
    unread: "{n} nouveau(x) message(s)",
    newTab: "(s'ouvre dans un nouvel onglet)",
    callbackYes: "Être recontacté·e par e-mail",
    callbackNo: "Non merci",
    callbackTitle: "Demande de réponse par e-mail",
    callbackName: "Votre nom",
    callbackEmail: "Votre adresse e-mail",
    callbackQuestion: "Votre question",
    callbackConsent: "J'accepte qu'Ardoise Labs conserve mon nom, mon adresse e-mail et ma question pour " +
      "qu'un recruteur me réponde, pendant {days} jours au plus, puis les supprime.",
    callbackSend: "Envoyer ma demande",
    callbackCancel: "Annuler",
    callbackErrors: {
      name: "Indiquez votre nom.", email: "Cette adresse e-mail n'est pas valide.",
      question: "Écrivez votre question.", consent: "Cochez la case pour que nous puissions garder vos coordonnées.",
      form: "La demande n'a pas pu être envoyée. Réessayez."
    },
    hosts: "Les personnes que vous pouvez rencontrer",
    slots: "Créneaux disponibles",
    topics: "Sujets",
    localTime: "chez vous : {when}",
    meetTitle: "Vos coordonnées pour ce café",
    meetWhen: "{when} avec {host}",
    meetName: "Votre prénom",
    meetEmail: "Votre adresse e-mail",
    meetNote: "Ce que j'aimerais demander",
    required: "(obligatoire)",
    optional: "(facultatif)",
    meetSend: "Réserver ce café",
    meetSending: "Envoi de la réservation…",
    meetSent: "Coordonnées envoyées.",
    meetClosed: "Ce formulaire n'est plus actif.",
    bookSummary: "Réserver : {when} avec {host}",
    bookSummaryShort: "Réserver ce café",
    meetErrors: {
      name: "Indiquez votre prénom.", nameLong: "Votre prénom : {max} caractères au plus.",
      email: "Cette adresse e-mail n'est pas valide.", note: "Votre message : {max} caractères au plus.",
      consent: "Cochez la case pour que nous puissions garder vos coordonnées pour ce café.",
      form: "La réservation n'a pas pu être envoyée. Réessayez."
    },
    source: "Source : {owner} · vérifié par les RH le {date}",
    sourceNever: "Source : {owner} · pas encore vérifié par les RH",
    eventTitle: "Vos coordonnées pour l'inscription",
    eventSend: "M'inscrire",
    eventSending: "Envoi de l'inscription…",
    eventConsent: "Cochez la case pour que nous puissions garder vos coordonnées pour cette inscription.",
    eventForm: "L'inscription n'a pas pu être envoyée. Réessayez.",
    eventWaitlisted: "Coordonnées envoyées : vous êtes sur la liste d'attente.",
    registerSummary: "M'inscrire : {when}",
    registerSummaryShort: "M'inscrire",
    alertTitle: "Votre e-mail pour être prévenu·e",
    alertSend: "Me prévenir",
    alertSummary: "Me prévenir de l'ouverture",
    alertConsent: "Cochez la case pour que nous puissions garder votre e-mail jusqu'à l'ouverture.",
    alertKept: "E-mail enregistré.",
    askTitle: "Une question pour les dirigeants ?",
    askLabel: "Votre question (les autres participants la verront sans votre nom)",
    askSend: "Envoyer ma question",
    askSending: "Envoi de la question…",
    askSent: "Question envoyée. Vous pouvez en poser une autre.",
    askEmpty: "Écrivez votre question.",
    askLong: "Votre question : {max} caractères au plus.",
    askSummary: "Ma question pour les dirigeants : {question}",
    prioritiesLabel: "Ce qui compte pour vous (plusieurs choix possibles)",
    prioritiesSee: "Voir ce qui me correspond",
    prioritiesPick: "Choisissez au moins une réponse.",
    prioritiesSummary: "Ce qui compte pour moi : {list}",
    prioritiesStarter: "Ce qui compte pour moi…",
    waiting: "En attente d'un·e recruteur·se · environ {minutes} min",
    waitingNamed: "En attente de {name} (recrutement) · environ {minutes} min",
    withRecruiter: "{name} (recrutement) est avec vous",
    cancelRequest: "Annuler ma demande",
    cancelSummary: "J'annule ma demande",
    applyTitle: "Ma candidature",
    applyJob: "Le poste",
    applyFirst: "Prénom",
    applyLast: "Nom",
    applyEmail: "E-mail",
    applyCv: "CV (PDF ou Word, {max} Mo au plus)",
    applyUrl: "Ou un lien : profil LinkedIn, portfolio",
    applyMessage: "Un mot pour l'équipe",
    applySend: "Envoyer ma candidature",
    applyUploading: "Envoi du CV…",
    applySending: "Envoi de la candidature…",
    applySent: "Candidature envoyée.",
    applySummary: "Ma candidature : {job}",
    applyErrors: {
      job: "Choisissez un poste.",
      first_name: "Indiquez votre prénom.",
      last_name: "Indiquez votre nom.",
      email: "Indiquez une adresse e-mail valide.",
      cv: "Joignez votre CV ou un lien vers votre profil.",
      cvBig: "Le fichier dépasse {max} Mo.",
      url: "Le lien doit commencer par https://",
      consent: "Cochez la case pour que nous puissions enregistrer votre candidature.",
      form: "La candidature n'a pas pu partir : réessayez dans un instant."
    },
    communityTitle: "Rejoindre la communauté de talents",
    communityEmail: "E-mail",
    communityTeams: "Les équipes qui m'intéressent",
    communityLocations: "Les villes où je peux travailler",
    communityAny: "(facultatif : sans choix, toutes)",
    communityRemote: "Uniquement des postes en télétravail complet",
    communityLevel: "Mon niveau",
    communityAnyLevel: "Tous niveaux",
    communityLanguages: "Les langues dans lesquelles je travaille",
    communitySend: "M'inscrire",
    communitySending: "Envoi de l'inscription…",
    communitySent: "Inscription envoyée : confirmez-la avec le lien reçu par e-mail.",
    communityNotSent: "L'e-mail de confirmation n'a pas pu partir : rien n'est gardé sans lui.",
    communitySummary: "Mon inscription à la communauté de talents",
    communityErrors: {
      email: "Indiquez une adresse e-mail valide.",
      teams: "Choisissez les équipes dans la liste.",
      locations: "Choisissez les villes dans la liste.",
      remote: "Cochez ou décochez la case.",
      level: "Choisissez le niveau dans la liste.",
      languages: "Choisissez le français, l'anglais ou les deux.",
      consent: "Cochez la case pour que nous puissions garder votre e-mail et vos souhaits.",
      form: "L'inscription n'a pas pu partir : réessayez dans un instant."
    }
  },
  en: {
    open: "Chat with our assistant",
    close: "Close the chat",
    title: "Ardoise Labs",
    subtitle: "Virtual assistant · Careers",
    language: "Assistant's language",
    newConversation: "New conversation",
    human: "Talk to a recruiter",
    humanMessage: "I'd like to talk to a person from the recruiting team.",
    label: "Your message",
    placeholder: "Ask your question…",
    send: "Send",
    notice: "I'm Ardoise Labs' virtual assistant: an automated program, not a person. " +
      "Your messages are kept for {days} days to answer you and improve our answers. " +
      "Please don't share sensitive information. A recruiter can take over at any time.",
    privacy: "Privacy notice",
    understood: "Got it",
    footer: "Virtual assistant (AI)",
    typing: "The assistant is typing…",
    offline: "Connection lost: your messages will be sent as soon as it is back.",
    you: "You",
    assistant: "Assistant",
    recruiter: "{name} · recruiter",
    joined: "{name} (recruiter) joined the conversation.",
    left: "{name} (recruiter) left the conversation. The assistant is back.",
    helpful: "Helpful answer",
    notHelpful: "Not helpful",
    thanks: "Thanks for your feedback.",
    pending: "Sending",
    failed: "Message not sent: {error}",
    tooLong: "Message too long: {max} characters at most.",
    suggestions: "Suggestions",
    starters: "Popular questions",
    conversation: "Conversation with the assistant",
    unread: "{n} new message(s)",
    newTab: "(opens in a new tab)",
    callbackYes: "Get an answer by e-mail",
    callbackNo: "No thanks",
    callbackTitle: "Ask for an answer by e-mail",
    callbackName: "Your name",
    callbackEmail: "Your e-mail address",
    callbackQuestion: "Your question",
    callbackConsent: "I agree that Ardoise Labs keeps my name, e-mail address and question so that a " +
      "recruiter can answer me, for at most {days} days, after which they are deleted.",
    callbackSend: "Send my request",
    callbackCancel: "Cancel",
    callbackErrors: {
      name: "Please give your name.", email: "This e-mail address is not valid.",
      question: "Please write your question.", consent: "Please tick the box so we may keep your details.",
      form: "The request could not be sent. Please try again."
    },
    hosts: "The people you can meet",
    slots: "Free slots",
    topics: "Topics",
    localTime: "your time: {when}",
    meetTitle: "Your details for this coffee",
    meetWhen: "{when} with {host}",
    meetName: "Your first name",
    meetEmail: "Your e-mail address",
    meetNote: "What I'd like to ask",
    required: "(required)",
    optional: "(optional)",
    meetSend: "Book this coffee",
    meetSending: "Sending your booking…",
    meetSent: "Details sent.",
    meetClosed: "This form is no longer active.",
    bookSummary: "Book: {when} with {host}",
    bookSummaryShort: "Book this coffee",
    meetErrors: {
      name: "Please give your first name.", nameLong: "Your first name: {max} characters at most.",
      email: "This e-mail address is not valid.", note: "Your message: {max} characters at most.",
      consent: "Please tick the box so we may keep your details for this coffee.",
      form: "The booking could not be sent. Please try again."
    },
    source: "Source: {owner} · checked by HR on {date}",
    sourceNever: "Source: {owner} · not checked by HR yet",
    eventTitle: "Your details to register",
    eventSend: "Register me",
    eventSending: "Sending your registration…",
    eventConsent: "Please tick the box so we may keep your details for this registration.",
    eventForm: "The registration could not be sent. Please try again.",
    eventWaitlisted: "Details sent: you are on the waitlist.",
    registerSummary: "Register: {when}",
    registerSummaryShort: "Register me",
    alertTitle: "Your e-mail to be told",
    alertSend: "Tell me",
    alertSummary: "Tell me when it opens",
    alertConsent: "Please tick the box so we may keep your e-mail until it opens.",
    alertKept: "E-mail kept.",
    askTitle: "A question for the leaders?",
    askLabel: "Your question (other participants see it without your name)",
    askSend: "Send my question",
    askSending: "Sending your question…",
    askSent: "Question sent. You can ask another one.",
    askEmpty: "Please write your question.",
    askLong: "Your question: {max} characters at most.",
    askSummary: "My question for the leaders: {question}",
    prioritiesLabel: "What matters to you (pick as many as you like)",
    prioritiesSee: "Show me what fits",
    prioritiesPick: "Pick at least one.",
    prioritiesSummary: "What matters to me: {list}",
    prioritiesStarter: "What matters to me…",
    waiting: "Waiting for a recruiter · about {minutes} min",
    waitingNamed: "Waiting for {name} (recruiting) · about {minutes} min",
    withRecruiter: "{name} (recruiting) is with you",
    cancelRequest: "Cancel my request",
    cancelSummary: "I'm cancelling my request",
    applyTitle: "My application",
    applyJob: "Position",
    applyFirst: "First name",
    applyLast: "Last name",
    applyEmail: "E-mail",
    applyCv: "CV (PDF or Word, {max} MB at most)",
    applyUrl: "Or a link: LinkedIn profile, portfolio",
    applyMessage: "A word for the team",
    applySend: "Send my application",
    applyUploading: "Sending the CV…",
    applySending: "Sending the application…",
    applySent: "Application sent.",
    applySummary: "My application: {job}",
    applyErrors: {
      job: "Pick a position.",
      first_name: "Enter your first name.",
      last_name: "Enter your last name.",
      email: "Enter a valid e-mail address.",
      cv: "Attach your CV or a link to your profile.",
      cvBig: "The file is over {max} MB.",
      url: "The link must start with https://",
      consent: "Tick the box so that we can save your application.",
      form: "The application could not be sent: try again in a moment."
    },
    communityTitle: "Join the talent community",
    communityEmail: "E-mail",
    communityTeams: "The teams I'm interested in",
    communityLocations: "The cities I can work in",
    communityAny: "(optional: none ticked means any)",
    communityRemote: "Fully remote positions only",
    communityLevel: "My level",
    communityAnyLevel: "Any level",
    communityLanguages: "The languages I work in",
    communitySend: "Sign me up",
    communitySending: "Sending your sign-up…",
    communitySent: "Sign-up sent: confirm it with the link in the e-mail you received.",
    communityNotSent: "The confirmation e-mail could not be sent: nothing is kept without it.",
    communitySummary: "My sign-up to the talent community",
    communityErrors: {
      email: "Enter a valid e-mail address.",
      teams: "Pick the teams from the list.",
      locations: "Pick the cities from the list.",
      remote: "Tick or untick the box.",
      level: "Pick the level from the list.",
      languages: "Pick French, English or both.",
      consent: "Tick the box so that we can keep your e-mail address and wishes.",
      form: "The sign-up could not be sent: try again in a moment."
    }
  }
};

// ------------------------------------------------------------------ state

function loadState() {
  try {
    var saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}");
    return saved && typeof saved === "object" ? saved : {};
  } catch (e) {
    return {};
  }
}

var state = loadState();
state.outbox = Array.isArray(state.outbox) ? state.outbox : [];
var pageLanguage = pickLanguage(script.getAttribute("data-lang") ||
  document.documentElement.lang || CONFIG.defaultLanguage);
var lang = state.chosenLanguage ? pickLanguage(state.chosenLanguage) : pageLanguage;

function save() {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch (e) { /* private mode or full: the conversation still works, unsaved */ }
}

function pickLanguage(value) {
  var code = String(value || "").slice(0, 2).toLowerCase();
  return TEXTS[code] ? code : "fr";
}

function t(key, values, language) {
  var text = TEXTS[TEXTS[language] ? language : lang][key];
  Object.keys(values || {}).forEach(function (name) {
    text = text.split("{" + name + "}").join(String(values[name]));
  });
  return text;
}

function newId() {
  if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) {
    return (b + 256).toString(16).slice(1);
  }).join("");
}

function privacyUrl() {
  var given = script.getAttribute("data-privacy-url") || CONFIG.privacyUrl ||
    new URL("/" + lang + "/privacy", ASSET_BASE).href;
  return safeUrl(given, document.baseURI) || "#";
}

function socketUrl() {
  var given = script.getAttribute("data-server") || CONFIG.socketUrl;
  if (given) { return given; }
  var url = new URL(ASSET_BASE.href);
  url.port = String(CONFIG.socketPort);
  return url.origin;
}

// DOM helpers and the answer rendering (el, rich) are in richtext.js, bundled before this file.

// ------------------------------------------------------------------ view

var host = document.createElement("div");
host.id = "ardoise-chat";
host.style.display = "none";
var root = host.attachShadow({ mode: "open" });
var stylesheet = el("link", { rel: "stylesheet", href: new URL("widget.css", ASSET_BASE).href });
stylesheet.addEventListener("load", function () {
  host.style.display = "";
  host.setAttribute("data-ready", "true");
  queueTuck();
});
root.appendChild(stylesheet);

var launcherLabel = el("span", { "class": "launcher-label" });
var badge = el("span", { "class": "badge", hidden: "" });
var launcher = el("button", {
  type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "panel"
}, [chatIcon(), launcherLabel, badge]);

var title = el("h2", { id: "title", text: "Ardoise Labs" });
var subtitle = el("p", { "class": "subtitle" });
var languageButtons = {};
var languageGroup = el("div", { "class": "languages", role: "group" });
Object.keys(TEXTS).forEach(function (code) {
  languageButtons[code] = el("button", {
    type: "button", "class": "language", lang: code, text: code.toUpperCase()
  });
  languageButtons[code].addEventListener("click", function () { setLanguage(code, true); });
  languageGroup.appendChild(languageButtons[code]);
});
var newButton = el("button", { type: "button", "class": "icon new" }, [el("span", { "aria-hidden": "true", text: "↺" })]);
var closeButton = el("button", { type: "button", "class": "icon close" }, [el("span", { "aria-hidden": "true", text: "×" })]);
var header = el("header", {}, [
  el("div", { "class": "heading" }, [title, subtitle]), languageGroup, newButton, closeButton
]);

var status = el("p", { "class": "status", role: "status" });
var noticeText = el("p");
var noticeLink = el("a", { target: "_blank", rel: "noopener noreferrer" });
var noticeButton = el("button", { type: "button", "class": "understood" });
var notice = el("div", { "class": "notice" }, [noticeText, el("p", {}, [noticeLink]), noticeButton]);

var log = el("div", { "class": "log", role: "log", "aria-live": "polite", tabindex: "0" });
// Starter questions on an empty conversation (GET /widget/starters: the most asked, in `lang`).
var starterBox = el("div", { "class": "choices starters", role: "group", hidden: "" });
var typing = el("div", { "class": "typing", hidden: "" }, [
  el("span", { "class": "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
  el("span", { "class": "sr" })
]);

var humanButton = el("button", { type: "button", "class": "human" });
// While a recruiter is on the way (or here): who, how long, and a way to cancel.
var handoffText = el("p", { "class": "handoff-text" });
var cancelButton = el("button", { type: "button", "class": "cancel-handoff" });
var handoffBox = el("div", { "class": "handoff-status", role: "status", hidden: "" }, [handoffText, cancelButton]);
var inputLabel = el("label", { "for": "input", "class": "sr" });
var input = el("textarea", { id: "input", rows: "1", maxlength: String(MAX_CHARS), autocomplete: "off" });
var sendButton = el("button", { type: "submit", "class": "send" }, [sendIcon()]);
var formError = el("p", { "class": "form-error", role: "alert" });
var form = el("form", { "class": "composer" }, [
  handoffBox, humanButton, el("div", { "class": "row" }, [inputLabel, input, sendButton]), formError
]);
var footerPrivacy = el("a", { target: "_blank", rel: "noopener noreferrer" });
var footerText = el("span");
var footer = el("p", { "class": "footer" }, [footerText, document.createTextNode(" · "), footerPrivacy]);

var panel = el("section", { id: "panel", "class": "panel", "aria-labelledby": "title", hidden: "" }, [
  header, status, notice, log, starterBox, typing, form, footer
]);
var frame = el("div", { "class": "root" }, [panel, launcher]);
root.appendChild(frame);

function chatIcon() {
  return svg("M4 4h16v11H8l-4 4z");
}

// A thumb (up; the "down" button turns it over in CSS).
function thumbIcon() {
  return svg("M3 10h4v11H3z M9 10l4-8c1.5 0 2.5 1 2.2 2.6L14.6 9H20a2 2 0 0 1 2 2.3l-1.4 7.5A2.5 2.5 0 0 1 18.1 21H9z");
}

function sendIcon() {
  return svg("M3 20l18-8L3 4v6l12 2-12 2z");
}

function svg(path) {
  var ns = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(ns, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  var shape = document.createElementNS(ns, "path");
  shape.setAttribute("d", path);
  icon.appendChild(shape);
  return icon;
}

function renderTexts() {
  frame.setAttribute("lang", lang);
  launcherLabel.textContent = t("open");
  subtitle.textContent = t("subtitle");
  languageGroup.setAttribute("aria-label", t("language"));
  Object.keys(languageButtons).forEach(function (code) {
    languageButtons[code].setAttribute("aria-pressed", String(code === lang));
  });
  newButton.setAttribute("aria-label", t("newConversation"));
  newButton.title = t("newConversation");
  closeButton.setAttribute("aria-label", t("close"));
  closeButton.title = t("close");
  noticeText.textContent = t("notice", { days: CONFIG.retentionDays });
  noticeLink.textContent = t("privacy");
  noticeLink.href = privacyUrl();
  noticeButton.textContent = t("understood");
  notice.hidden = Boolean(state.noticeSeen);
  log.setAttribute("aria-label", t("conversation"));
  typing.lastChild.textContent = t("typing");
  humanButton.textContent = t("human");
  cancelButton.textContent = t("cancelRequest");
  inputLabel.textContent = t("label");
  input.placeholder = t("placeholder");
  sendButton.setAttribute("aria-label", t("send"));
  footerText.textContent = t("footer");
  footerPrivacy.textContent = t("privacy");
  footerPrivacy.href = privacyUrl();
  starterBox.setAttribute("aria-label", t("starters"));
  if (status.textContent) { status.textContent = t("offline"); }
  updateBadge();
  updateStarters();
}

function setLanguage(code, chosen) {
  lang = pickLanguage(code);
  if (chosen) { state.chosenLanguage = lang; save(); }
  renderTexts();
}

// ------------------------------------------------------------- starters

var starterLanguage = null;  // the language of the chips in starterBox (or being fetched)

// Shown while the conversation is known to be empty; fetched again when the language changes.
function updateStarters() {
  var empty = !log.querySelector(".message") && (confirmed || !state.sessionId);
  starterBox.hidden = !empty || !starterBox.firstChild;
  if (!empty || !panelOpen() || starterLanguage === lang || !window.fetch) { return; }
  starterLanguage = lang;
  var asked = lang;
  var url = new URL("/widget/starters", ASSET_BASE);
  url.searchParams.set("lang", asked);
  window.fetch(url.href, { credentials: "omit" }).then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (data) {
    if (asked !== starterLanguage) { return; }
    showStarters(data && Array.isArray(data.starters) ? data.starters : []);
  }).catch(function () {
    if (asked === starterLanguage) { starterLanguage = null; }  // asked again next time
  });
}

function showStarters(starters) {
  while (starterBox.firstChild) { starterBox.firstChild.remove(); }
  starters.slice(0, 4).forEach(function (starter) {
    if (!starter || typeof starter.article !== "string" || typeof starter.title !== "string") { return; }
    var title = starter.title;
    var payload = "/choose_article" + JSON.stringify({ article: starter.article }).replace(":", ": ");
    var button = el("button", { type: "button", "class": "choice", text: title });
    button.addEventListener("click", function () {
      if (sendMessage(payload, title)) { input.focus(); }
    });
    starterBox.appendChild(button);
  });
  // and "what matters to me": the personal pitch (bot/candidate/priorities.py)
  var matters = el("button", { type: "button", "class": "choice", "data-starter": "priorities", text: t("prioritiesStarter") });
  matters.addEventListener("click", function () {
    if (sendMessage("/tell_priorities", t("prioritiesStarter"))) { input.focus(); }
  });
  starterBox.appendChild(matters);
  updateStarters();
}

// ------------------------------------------------------------- messages

var shown = [];          // messages the server has confirmed, in order: {from, text, el}
var pendingEls = {};     // candidate messages not acknowledged yet, by id
var unread = 0;

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

// `text` is the message as the server's history gives it back (a button's title, or what
// was sent); a booking command is shown as a sentence, never as its JSON (name, e-mail).
function candidateElement(text, id, pending) {
  var summary = bookingSummary(text);
  var node = el("div", {
    "class": "message candidate" + (pending ? " pending" : "") + (summary === null ? "" : " summary"),
    "data-id": id
  }, [
    el("span", { "class": "sr", text: t("you") + " : " }),
    el("div", { "class": "bubble", text: summary === null ? text : summary })
  ]);
  node.historyText = text;
  if (pending) { node.appendChild(el("span", { "class": "sr state", text: t("pending") })); }
  return node;
}

function botElement(message, live) {
  var fromRecruiter = message.from === "recruiter" && message.sender;
  var name = fromRecruiter ? String(message.sender.name || "") : "";
  var custom = message.custom && typeof message.custom === "object" ? message.custom : {};
  var node = el("div", { "class": "message " + (fromRecruiter ? "recruiter" : "assistant") });
  if (typeof custom.type === "string") { node.setAttribute("data-type", custom.type); }
  // The AI disclosure is the widget's own notice (and its footer line): shown once, not
  // again as the first reply (REST clients still get it as a message).
  if (custom.type === "disclosure") { node.hidden = true; }
  var isNotice = custom.type === "handoff" && custom.recruiter &&
    ["claimed", "returned", "closed"].indexOf(custom.status) >= 0;
  if (isNotice) {
    // "Camille (recruiter) joined / left": a notice in the widget's language, not a bubble.
    node.className = "message notice-line";
    node.appendChild(el("p", {
      "class": "event",
      text: t(custom.status === "claimed" ? "joined" : "left", { name: String(custom.recruiter) })
    }));
  }
  if (custom.type === "language" && message.text) {
    // "You wrote in English, so I'm answering in English.": a line, in that language.
    isNotice = true;
    node.className = "message notice-line language-switch";
    node.appendChild(el("p", { "class": "event", lang: plainText(custom.language) || lang, text: String(message.text) }));
  }
  if (message.text && !isNotice) {
    node.appendChild(el("span", {
      "class": fromRecruiter ? "who" : "sr",
      text: fromRecruiter ? t("recruiter", { name: name }) : t("assistant") + " : "
    }));
    if (fromRecruiter) { node.lastChild.setAttribute("lang", lang); }
    node.appendChild(el("div", { "class": "bubble" + (custom.type === "error" ? " error" : "") }, [rich(message.text)]));
  }
  var offer = custom.type === "meeting_offer" ? readOffer(custom) : null;
  if (offer && !Object.keys(offer.slots).length) { offer = null; }  // none free: plain yes/no buttons
  if (offer) { node.classList.add("meeting-offer"); }
  if (offer && offer.hosts.length) { node.appendChild(hostCards(offer.hosts)); }
  var replies = Array.isArray(message.quick_replies) ? message.quick_replies : [];
  if (custom.type === "priorities_question" && Array.isArray(custom.options)) {
    node.appendChild(priorityChips(custom.options));
    replies = [];
  }
  if (replies.length) {
    var group = el("div", {
      "class": "choices" + (offer ? " slots" : ""), role: "group", "aria-label": t(offer ? "slots" : "suggestions")
    });
    replies.forEach(function (reply) {
      if (!reply || typeof reply.payload !== "string") { return; }
      var button = el("button", { type: "button", "class": "choice", text: String(reply.title || reply.payload) });
      var slot = offer ? offer.slots[commandSlot(reply.payload)] : null;
      if (slot && slot.localLabel && button.textContent.indexOf(slot.localLabel) < 0) {
        button.appendChild(el("span", { "class": "local", text: t("localTime", { when: slot.localLabel }) }));
      }
      button.addEventListener("click", function () {
        sendMessage(reply.payload, String(reply.title || reply.payload));
      });
      group.appendChild(button);
    });
    node.appendChild(group);
  }
  if (custom.type === "answer" && typeof custom.article === "string") {
    var source = sourceLine(custom);
    if (source) { node.appendChild(source); }
    node.appendChild(ratingButtons(custom.article));
  }
  if (custom.type === "handoff") { showHandoff(custom); }
  if (custom.type === "handoff" && custom.callback === true) {
    node.appendChild(callbackOffer(node, typeof custom.question === "string" ? custom.question : ""));
  }
  if (custom.type === "apply_form") {
    node.classList.add("apply");
    var application = applyForm(custom);
    if (application) { node.appendChild(application.form); openApply(application, live); }
  } else if (custom.type === "application") {
    applicationResult(node, custom, message.text, live);
  } else if (custom.type === "community_form") {
    node.classList.add("community-form-message");
    var signUp = communityForm(custom);
    node.appendChild(signUp.form);
    openCommunity(signUp, live);
  } else if (custom.type === "community") {
    communityResult(node, custom, message.text, live);
  } else if (custom.type === "meeting_contact") {
    node.classList.add("meeting-contact");
    var contact = contactForm(custom);
    if (contact) { node.appendChild(contact.form); openContact(contact, live); }
  } else if (custom.type === "booking") {
    bookingResult(node, custom, message.text, live);
  } else if (custom.type === "alert" && custom.status === "kept") {
    closeContact(t("alertKept"));
  } else if (custom.type === "panel_question") {
    askResult(custom, message.text);
  } else if (activeContact) {
    activeContact.busy(false);
  }
  if (live && !panelOpen()) {
    unread += 1;
    updateBadge();
  }
  return node;
}

// ------------------------------------------------------------- handoff

// The last handoff step decides what the composer shows: waiting (who, how long, cancel),
// a recruiter with the candidate, or the usual "talk to a recruiter" button.
var handoffState = null;

function showHandoff(custom) {
  if (custom.status === "noted") { return; }
  handoffState = custom.status === "queued" || custom.status === "claimed" ? custom : null;
  renderHandoff();
}

function renderHandoff() {
  var h = handoffState;
  handoffBox.hidden = !h;
  humanButton.hidden = Boolean(h);
  cancelButton.hidden = !h || h.status !== "queued";
  if (!h) { return; }
  var name = plainText(h.recruiter);
  var minutes = typeof h.wait_minutes === "number" ? h.wait_minutes : 1;
  if (h.status === "claimed") {
    handoffText.textContent = t("withRecruiter", { name: name });
  } else {
    handoffText.textContent = t(name ? "waitingNamed" : "waiting", { name: name, minutes: minutes });
  }
}

cancelButton.addEventListener("click", function () {
  cancelButton.disabled = true;
  sendMessage("/cancel_handoff", t("cancelSummary"));
  window.setTimeout(function () { cancelButton.disabled = false; }, 3000);
});

// ------------------------------------------------------------- priorities

// "What matters to you?": chips the candidate toggles (several may be chosen), then one
// button sends `/tell_priorities{"priorities": [...]}`. Clients without this widget
// get one button per priority from the same message.
var priorityLabels = {};

function priorityChips(options) {
  var form = el("form", { "class": "priorities", "aria-label": t("prioritiesLabel") });
  var group = el("div", { "class": "choices", role: "group", "aria-label": t("prioritiesLabel") });
  var chosen = [];
  options.forEach(function (option) {
    var id = plainText(option && option.id), label = plainText(option && option.label);
    if (!/^[a-z_]{1,32}$/.test(id) || !label) { return; }
    priorityLabels[id] = label;
    var chip = el("button", { type: "button", "class": "choice chip", "aria-pressed": "false", "data-priority": id, text: label });
    chip.addEventListener("click", function () {
      var at = chosen.indexOf(id);
      if (at < 0) { chosen.push(id); } else { chosen.splice(at, 1); }
      chip.setAttribute("aria-pressed", at < 0 ? "true" : "false");
      error.textContent = "";
    });
    group.appendChild(chip);
  });
  var error = el("p", { "class": "form-error", role: "alert" });
  var see = el("button", { type: "submit", "class": "choice primary", text: t("prioritiesSee") });
  form.appendChild(group);
  form.appendChild(error);
  form.appendChild(see);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosen.length) { error.textContent = t("prioritiesPick"); return; }
    var text = "/tell_priorities" + JSON.stringify({ priorities: chosen.slice() });
    sendMessage(text, bookingSummary(text));
  });
  return form;
}

// ------------------------------------------------------------- callback

function lastQuestion() {
  var mine = log.querySelectorAll(".message.candidate .bubble");
  for (var i = mine.length - 1; i >= 0; i--) {
    var text = mine[i].textContent;
    if (mine[i].closest(".summary")) { continue; }
    if (text && text !== t("humanMessage") && text.charAt(0) !== "/") { return text; }
  }
  return "";
}

// `asked`: the candidate's last real question, as the server read it (else the page's).
function callbackOffer(messageNode, asked) {
  var group = el("div", { "class": "choices callback-offer", role: "group" });
  var yes = el("button", { type: "button", "class": "choice callback-yes", text: t("callbackYes") });
  var no = el("button", { type: "button", "class": "choice callback-no", text: t("callbackNo") });
  yes.addEventListener("click", function () {
    group.remove();
    var form = callbackForm(asked);
    messageNode.appendChild(form);
    form.querySelector("input").focus();
  });
  no.addEventListener("click", function () {
    group.remove();
    input.focus();
  });
  group.appendChild(yes);
  group.appendChild(no);
  return group;
}

var formCount = 0;

function field(form, name, label, control) {
  var id = "cb-" + name + "-" + formCount;
  control.id = id;
  control.name = name;
  var error = el("p", { "class": "field-error", id: id + "-error" });
  control.setAttribute("aria-describedby", id + "-error");
  form.appendChild(el("label", { "for": id, text: label }));
  form.appendChild(control);
  form.appendChild(error);
  return error;
}

function callbackForm(asked) {
  formCount += 1;
  var form = el("form", { "class": "callback-form", novalidate: "" });
  form.appendChild(el("p", { "class": "callback-title", text: t("callbackTitle") }));
  var errors = {};
  errors.name = field(form, "name", t("callbackName"),
    el("input", { type: "text", maxlength: "120", autocomplete: "name", required: "" }));
  errors.email = field(form, "email", t("callbackEmail"),
    el("input", { type: "email", maxlength: "254", autocomplete: "email", required: "" }));
  var question = el("textarea", { rows: "3", maxlength: "2000", required: "" });
  question.value = asked || lastQuestion();
  errors.question = field(form, "question", t("callbackQuestion"), question);
  var consent = el("input", { type: "checkbox", id: "cb-consent-" + formCount, name: "consent" });
  errors.consent = el("p", { "class": "field-error", id: "cb-consent-" + formCount + "-error" });
  consent.setAttribute("aria-describedby", "cb-consent-" + formCount + "-error");
  form.appendChild(el("div", { "class": "consent" }, [
    consent,
    el("label", { "for": "cb-consent-" + formCount, text: t("callbackConsent", { days: CONFIG.retentionDays }) })
  ]));
  form.appendChild(errors.consent);
  form.appendChild(el("p", {}, [el("a", { href: privacyUrl(), target: "_blank", rel: "noopener noreferrer", text: t("privacy") })]));
  errors.form = el("p", { "class": "field-error", role: "alert" });
  form.appendChild(errors.form);
  var cancel = el("button", { type: "button", "class": "choice", text: t("callbackCancel") });
  cancel.addEventListener("click", function () { form.remove(); input.focus(); });
  form.appendChild(el("div", { "class": "callback-actions" }, [
    el("button", { type: "submit", "class": "choice primary", text: t("callbackSend") }), cancel
  ]));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    Object.keys(errors).forEach(function (key) { errors[key].textContent = ""; });
    if (!socket || !confirmed) { errors.form.textContent = t("callbackErrors").form; return; }
    var data = {
      name: form.elements.name.value, email: form.elements.email.value,
      question: form.elements.question.value, consent: consent.checked, language: lang
    };
    socket.timeout(15000).emit("callback_request", data, function (error, reply) {
      if (error || !reply) { errors.form.textContent = t("callbackErrors").form; return; }
      if (!reply.ok) {
        var first = null;
        // the server's own sentence for the whole form (already taken, not offered,
        // slow down) says more than "try again"; it is shown as text, never as markup
        var said = (reply.errors && typeof reply.errors.form === "string" && reply.errors.form) ||
          (typeof reply.error === "string" && reply.error) || "";
        Object.keys(reply.errors || { form: 1 }).forEach(function (key) {
          var target = errors[key] || errors.form;
          target.textContent = (key === "form" && said) ||
            t("callbackErrors")[key] || t("callbackErrors").form;
          first = first || form.elements[key];
        });
        if (first && first.focus) { first.focus(); }
        return;
      }
      form.remove();
      input.focus();
    });
  });
  return form;
}

// The end every contact form shares: the consent box with its sentence, the privacy
// notice, a line read by screen readers when a check fails (the sentence is also shown
// by its field), the send button and the progress line; and showing or clearing the
// fields' errors (`controls.consent` is the box; `errors.consent` is set here).
function formEnd(form, prefix, controls, errors, consentText, sendText) {
  var consent = controls.consent;
  consent.id = prefix + "-consent";
  consent.name = "consent";
  consent.setAttribute("aria-describedby", prefix + "-consent-error");
  var error = el("p", { "class": "field-error", id: prefix + "-consent-error" });
  form.appendChild(el("div", { "class": "consent" }, [
    consent, el("label", { "for": prefix + "-consent", text: consentText })
  ]));
  form.appendChild(error);
  form.appendChild(el("p", { "class": "meet-privacy" }, [
    el("a", { href: privacyUrl(), target: "_blank", rel: "noopener noreferrer", text: t("privacy"), title: t("newTab") })
  ]));
  var end = {
    error: error,
    announce: el("p", { "class": "sr", role: "alert" }),
    progress: el("p", { "class": "meet-status", role: "status" }),
    submit: el("button", { type: "submit", "class": "choice primary", text: sendText })
  };
  errors.consent = error;
  end.showError = function (key, sentence, focus) {
    var target = errors[key] ? key : "consent";
    errors[target].textContent = sentence;
    controls[target].setAttribute("aria-invalid", "true");
    end.announce.textContent = sentence;
    if (focus) { controls[target].focus(); }
  };
  end.clearErrors = function () {
    Object.keys(errors).forEach(function (key) {
      errors[key].textContent = "";
      controls[key].removeAttribute("aria-invalid");
    });
    end.announce.textContent = "";
  };
  form.appendChild(end.announce);
  form.appendChild(el("div", { "class": "callback-actions" }, [end.submit]));
  form.appendChild(end.progress);
  return end;
}

// ------------------------------------------------------------- applying (issue 14)

// The application form: a position, names, e-mail, a CV (uploaded first to the web
// server, which answers a token) or a link, a word, consent. It sends one structured
// message, `/apply{...}`; the `application` result closes it or points at the field.
var activeApply = null;
// Each position's title as the forms showed it, for the summary of a reloaded application.
var applyTitles = Object.create(null);

function applyForm(custom) {
  var jobs = Array.isArray(custom.jobs) ? custom.jobs.filter(function (j) {
    return j && typeof j.id === "string" && typeof j.title === "string";
  }) : [];
  if (!jobs.length) { return null; }
  var maxMb = typeof custom.max_cv_mb === "number" && custom.max_cv_mb > 0 ? custom.max_cv_mb : 5;
  var upload = plainText(custom.upload) || "/apply/cv";
  var texts = t("applyErrors");
  formCount += 1;
  var prefix = "apply-" + formCount;
  var form = el("form", { "class": "meet-form apply-form", novalidate: "", "aria-labelledby": prefix + "-title" });
  form.appendChild(el("p", { "class": "meet-title", id: prefix + "-title", text: t("applyTitle") }));
  var job = el("select", { required: "", "aria-required": "true" });
  job.appendChild(el("option", { value: "", text: "—" }));
  jobs.forEach(function (j) {
    applyTitles[j.id] = j.title;
    job.appendChild(el("option", { value: j.id, text: j.title }));
  });
  if (typeof custom.job === "string") { job.value = custom.job; }
  var controls = {
    job: job,
    first_name: el("input", { type: "text", maxlength: "80", autocomplete: "given-name", required: "", "aria-required": "true" }),
    last_name: el("input", { type: "text", maxlength: "80", autocomplete: "family-name", required: "", "aria-required": "true" }),
    email: el("input", { type: "email", maxlength: "254", autocomplete: "email", required: "", "aria-required": "true", spellcheck: "false" }),
    cv: el("input", { type: "file", accept: ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document" }),
    url: el("input", { type: "url", maxlength: "500", autocomplete: "url", spellcheck: "false", placeholder: "https://" }),
    message: el("textarea", { rows: "3", maxlength: "2000" }),
    consent: el("input", { type: "checkbox", required: "", "aria-required": "true" })
  };
  var labels = {
    job: t("applyJob"), first_name: t("applyFirst"), last_name: t("applyLast"), email: t("applyEmail"),
    cv: t("applyCv", { max: maxMb }), url: t("applyUrl"), message: t("applyMessage")
  };
  var optional = { cv: true, url: true, message: true };
  var errors = {};
  Object.keys(labels).forEach(function (key) {
    var id = prefix + "-" + key;
    controls[key].id = id;
    controls[key].name = key;
    controls[key].setAttribute("aria-describedby", id + "-error");
    errors[key] = el("p", { "class": "field-error", id: id + "-error" });
    form.appendChild(el("label", { "for": id }, [
      document.createTextNode(labels[key] + " "),
      el("span", { "class": "hint", text: t(optional[key] ? "optional" : "required") })
    ]));
    form.appendChild(controls[key]);
    form.appendChild(errors[key]);
  });
  var end = formEnd(form, prefix, controls, errors, plainText(custom.consent), t("applySend"));
  var announce = end.announce, progress = end.progress, submit = end.submit;
  var uploaded = null;  // {file, token}: a file already accepted is not sent twice

  var application = {
    form: form, controls: controls, closed: false,
    showError: end.showError,
    clearErrors: end.clearErrors,
    busy: function (on, what) {
      if (application.closed) { return; }
      submit.disabled = Boolean(on);
      form.setAttribute("aria-busy", String(Boolean(on)));
      progress.textContent = on ? what || t("applySending") : "";
    }
  };

  function send(token) {
    var data = {
      job: job.value, first_name: controls.first_name.value.trim(), last_name: controls.last_name.value.trim(),
      email: controls.email.value.trim(), consent: true
    };
    var url = controls.url.value.trim();
    var message = controls.message.value.trim();
    if (token) { data.cv = token; }
    if (url) { data.url = url; }
    if (message) { data.message = message; }
    var title = job.options[job.selectedIndex] ? job.options[job.selectedIndex].textContent : "";
    if (!sendMessage("/apply" + JSON.stringify(data), t("applySummary", { job: title }))) {
      application.showError("message", texts.form, true);
      return;
    }
    application.busy(true);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (application.closed) { return; }
    application.clearErrors();
    var file = controls.cv.files && controls.cv.files[0];
    var url = controls.url.value.trim();
    var problems = [];
    if (!job.value) { problems.push(["job", texts.job]); }
    if (!controls.first_name.value.trim()) { problems.push(["first_name", texts.first_name]); }
    if (!controls.last_name.value.trim()) { problems.push(["last_name", texts.last_name]); }
    if (!controls.email.value.trim() || !controls.email.checkValidity()) { problems.push(["email", texts.email]); }
    if (file && file.size > maxMb * 1024 * 1024) { problems.push(["cv", texts.cvBig.split("{max}").join(String(maxMb))]); }
    if (url && !/^https?:\/\/\S+\.\S+/i.test(url)) { problems.push(["url", texts.url]); }
    if (!file && !url) { problems.push(["cv", texts.cv]); }
    if (!controls.consent.checked) { problems.push(["consent", texts.consent]); }
    problems.forEach(function (problem) { application.showError(problem[0], problem[1], false); });
    if (problems.length) {
      announce.textContent = problems[0][1];
      controls[problems[0][0]].focus();
      return;
    }
    if (!file) { send(null); return; }
    if (uploaded && uploaded.file === file) { send(uploaded.token); return; }
    var body = new FormData();
    body.append("cv", file, "cv");
    application.busy(true, t("applyUploading"));
    var target = new URL(upload, ASSET_BASE);
    target.searchParams.set("lang", lang);
    fetch(target.toString(), { method: "POST", body: body, credentials: "omit" }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (reply) {
        application.busy(false);
        if (response.ok && reply && typeof reply.cv === "string") {
          uploaded = { file: file, token: reply.cv };
          send(reply.cv);
        } else {
          application.showError("cv", plainText(reply && reply.error) || texts.form, true);
        }
      });
    }, function () {
      application.busy(false);
      application.showError("cv", texts.form, true);
    });
  });
  return application;
}

function openApply(application, live) {
  if (activeApply && activeApply !== application && !activeApply.closed) {
    activeApply.closed = true;
    activeApply.form.replaceWith(el("p", { "class": "meet-closed", text: t("meetClosed") }));
  }
  activeApply = application;
  if (live) {
    window.setTimeout(function () {
      if (!application.closed && panelOpen()) { application.controls.job.value ? application.controls.first_name.focus() : application.controls.job.focus(); }
    }, 0);
  }
}

// An application result: a refused field points at the form, a confirmation closes it.
function applicationResult(node, custom, text, live) {
  var outcome = plainText(custom.status);
  node.classList.add("application", "application-" + (outcome || "unknown"));
  var current = activeApply;
  if (!current || current.closed) { return; }
  if (outcome === "received") {
    current.closed = true;
    activeApply = null;
    current.form.replaceWith(el("p", { "class": "meet-closed", text: t("applySent") }));
    if (live) { input.focus(); }
    return;
  }
  current.busy(false);
  if (outcome === "invalid") {
    var field = plainText(custom.field);
    var key = current.controls[field] ? field : "consent";
    current.showError(key, text || t("applyErrors").form, live);
  }
}

// ------------------------------------------------------------- talent community (issue 14)

// The talent community's sign-up form: an e-mail, the teams, cities, "fully remote only",
// a level, the languages worked in, consent; what the candidate already said (`chosen`)
// is ticked. It sends one structured message, `/join_community{...}`, as the application
// form sends `/apply{...}`; the `community` result closes it or points at the field.
var activeCommunity = null;

// [{id, title}] from the server, without anything malformed.
function namedOptions(list) {
  return (Array.isArray(list) ? list : []).filter(function (item) {
    return item && typeof item.id === "string" && typeof item.title === "string";
  });
}

// A group of checkboxes (a fieldset, tickable chips that wrap): the fieldset is the
// control an error points at, `boxes` what was ticked.
function checkGroup(prefix, key, legend, options, chosen) {
  var id = prefix + "-" + key;
  var group = el("fieldset", { id: id, "class": "checks", tabindex: "-1", "aria-describedby": id + "-error" }, [
    el("legend", {}, [
      document.createTextNode(legend + " "), el("span", { "class": "hint", text: t("communityAny") })
    ])
  ]);
  var list = el("div", { "class": "check-list" });
  group.boxes = options.map(function (option) {
    var box = el("input", { type: "checkbox", name: key, value: option.id });
    box.checked = chosen.indexOf(option.id) >= 0;
    list.appendChild(el("label", { "class": "check" }, [box, el("span", { text: option.title })]));
    return box;
  });
  group.appendChild(list);
  group.ticked = function () {
    return group.boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
  };
  return group;
}

function communityForm(custom) {
  var teams = namedOptions(custom.teams), levels = namedOptions(custom.levels);
  var languages = namedOptions(custom.languages);
  var cities = (Array.isArray(custom.locations) ? custom.locations : []).filter(function (city) {
    return typeof city === "string" && city;
  }).map(function (city) { return { id: city, title: city }; });
  var chosen = custom.chosen && typeof custom.chosen === "object" ? custom.chosen : {};
  function chosenList(key) {
    return Array.isArray(chosen[key]) ? chosen[key].map(plainText) : [];
  }
  var texts = t("communityErrors");
  formCount += 1;
  var prefix = "community-" + formCount;
  var form = el("form", { "class": "meet-form community-form", novalidate: "", "aria-labelledby": prefix + "-title" });
  form.appendChild(el("p", { "class": "meet-title", id: prefix + "-title", text: t("communityTitle") }));
  var controls = {
    email: el("input", {
      id: prefix + "-email", name: "email", type: "email", maxlength: "254", autocomplete: "email",
      required: "", "aria-required": "true", spellcheck: "false", "aria-describedby": prefix + "-email-error"
    }),
    teams: checkGroup(prefix, "teams", t("communityTeams"), teams, chosenList("teams")),
    locations: checkGroup(prefix, "locations", t("communityLocations"), cities, chosenList("locations")),
    remote: el("input", { id: prefix + "-remote", name: "remote", type: "checkbox", "aria-describedby": prefix + "-remote-error" }),
    level: el("select", { id: prefix + "-level", name: "level", "aria-describedby": prefix + "-level-error" }),
    languages: checkGroup(prefix, "languages", t("communityLanguages"), languages, chosenList("languages")),
    consent: el("input", { type: "checkbox", required: "", "aria-required": "true" })
  };
  controls.remote.checked = chosen.remote === true;
  controls.level.appendChild(el("option", { value: "", text: t("communityAnyLevel") }));
  levels.forEach(function (level) { controls.level.appendChild(el("option", { value: level.id, text: level.title })); });
  controls.level.value = plainText(chosen.level);
  if (controls.level.selectedIndex < 0) { controls.level.value = ""; }
  var errors = {};
  ["email", "teams", "locations", "remote", "level", "languages"].forEach(function (key) {
    errors[key] = el("p", { "class": "field-error", id: prefix + "-" + key + "-error" });
    if (key === "email" || key === "level") {
      form.appendChild(el("label", { "for": prefix + "-" + key }, [
        document.createTextNode(t(key === "email" ? "communityEmail" : "communityLevel") + " "),
        el("span", { "class": "hint", text: t(key === "email" ? "required" : "optional") })
      ]));
      form.appendChild(controls[key]);
    } else if (key === "remote") {
      form.appendChild(el("div", { "class": "consent remote" }, [
        controls.remote, el("label", { "for": prefix + "-remote", text: t("communityRemote") })
      ]));
    } else {
      form.appendChild(controls[key]);
    }
    form.appendChild(errors[key]);
  });
  var end = formEnd(form, prefix, controls, errors, plainText(custom.consent), t("communitySend"));
  var submit = end.submit;

  var community = {
    form: form, controls: controls, closed: false,
    showError: end.showError,
    clearErrors: end.clearErrors,
    busy: function (on) {
      if (community.closed) { return; }
      submit.disabled = Boolean(on);
      form.setAttribute("aria-busy", String(Boolean(on)));
      end.progress.textContent = on ? t("communitySending") : "";
    }
  };

  // A field the candidate changes loses its error at once (the others keep theirs).
  ["input", "change"].forEach(function (type) {
    form.addEventListener(type, function (event) {
      Object.keys(errors).forEach(function (key) {
        if (errors[key].textContent && controls[key].contains(event.target)) {
          errors[key].textContent = "";
          controls[key].removeAttribute("aria-invalid");
        }
      });
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (community.closed) { return; }
    community.clearErrors();
    var email = controls.email.value.trim();
    var problems = [];
    if (!email || !controls.email.checkValidity()) { problems.push(["email", texts.email]); }
    if (!controls.consent.checked) { problems.push(["consent", texts.consent]); }
    problems.forEach(function (problem) { community.showError(problem[0], problem[1], false); });
    if (problems.length) {
      end.announce.textContent = problems[0][1];
      controls[problems[0][0]].focus();
      return;
    }
    var data = {
      email: email, teams: controls.teams.ticked(), locations: controls.locations.ticked(),
      remote: controls.remote.checked
    };
    if (controls.level.value) { data.level = controls.level.value; }
    data.languages = controls.languages.ticked();
    data.consent = true;
    if (!sendMessage("/join_community" + JSON.stringify(data), t("communitySummary"))) {
      community.showError("email", texts.form, true);
      return;
    }
    community.busy(true);
  });
  return community;
}

function openCommunity(community, live) {
  if (activeCommunity && activeCommunity !== community && !activeCommunity.closed) {
    activeCommunity.closed = true;
    activeCommunity.form.replaceWith(el("p", { "class": "meet-closed", text: t("meetClosed") }));
  }
  activeCommunity = community;
  if (live) {
    window.setTimeout(function () {
      if (!community.closed && panelOpen()) { community.controls.email.focus(); }
    }, 0);
  }
}

// A sign-up result: pending its e-mail's confirmation closes the form, a refusal points
// at the field the server named (its sentence, as text).
function communityResult(node, custom, text, live) {
  var outcome = plainText(custom.status);
  node.classList.add("community", "community-" + (outcome || "unknown"));
  var current = activeCommunity;
  if (!current || current.closed) { return; }
  if (outcome === "pending_confirmation") {
    current.closed = true;
    activeCommunity = null;
    var sent = custom.mail_sent === false ? t("communityNotSent") : t("communitySent");
    current.form.replaceWith(el("p", { "class": "meet-closed", text: sent }));
    if (live) { input.focus(); }
    return;
  }
  current.busy(false);
  if (outcome === "invalid") {
    var field = plainText(custom.field);
    var key = current.controls[field] ? field : "consent";
    current.showError(key, text || t("communityErrors")[key] || t("communityErrors").form, live);
  }
}

// ------------------------------------------------------------- team coffee

// What the widget knows of each slot it was offered: {label, host, localLabel, kind}.
var meetingSlots = {};
// The contact form the next booking result is about (at most one is open).
var activeContact = null;
// The question box the next `panel_question` result is about.
var activeAsk = null;
// bot.events.panel.MAX_QUESTION: the server refuses longer questions.
var ASK_MAX = 500;
var ALERT_SLOT = "alert-hackathon";

function browserTimezone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch (e) {
    return null;
  }
}

function plainText(value) {
  return typeof value === "string" ? value : "";
}

// `/book{"slot": …}` -> the object after the command name, or null.
function commandData(text, command) {
  var prefix = "/" + command;
  text = String(text || "");
  if (text.slice(0, prefix.length) !== prefix || text.charAt(prefix.length) !== "{") { return null; }
  try {
    var data = JSON.parse(text.slice(prefix.length));
    return data && typeof data === "object" && !Array.isArray(data) ? data : null;
  } catch (e) {
    return null;
  }
}

// The slot a button's payload names (`/book{"slot"}`, `/move_booking{"booking", "slot"}`).
function commandSlot(payload) {
  var command = /^\/([a-z_]+)\{/.exec(String(payload || ""));
  var data = command ? commandData(payload, command[1]) : null;
  return data && typeof data.slot === "string" ? data.slot : "";
}

// What a slot is for: "coffee", an event's kind, or "hackathon" (its alert list).
function slotKind(slot) {
  if (slot === ALERT_SLOT) { return "hackathon"; }
  var known = meetingSlots[slot];
  if (known && known.kind) { return known.kind; }
  return slot.slice(0, 6) === "event-" ? "event" : "coffee";
}

// The sentence a candidate's booking shows as (a slot picked, or the contact form sent)
// or a question for the leaders (the question itself); null for any other message.
// Never the JSON: it holds the candidate's name and e-mail.
function bookingSummary(text) {
  text = String(text || "");
  var asked = commandData(text, "ask_panel");
  if (asked && typeof asked.question === "string") {
    return t("askSummary", { question: asked.question });
  }
  if (text === "/tell_priorities") { return t("prioritiesStarter"); }
  var joining = commandData(text, "join_community");
  if (joining && (typeof joining.email === "string" || joining.consent === true)) {
    return t("communitySummary");  // the filled-in form: never its e-mail as JSON
  }
  var applying = commandData(text, "apply");
  if (applying && (typeof applying.email === "string" || applying.consent === true)) {
    // the filled-in application (reloaded history): never its name and e-mail as JSON
    var job = typeof applying.job === "string" ? applying.job : "";
    return t("applySummary", { job: applyTitles[job] || job });
  }
  if (text === "/cancel_handoff") { return t("cancelSummary"); }
  var matters = commandData(text, "tell_priorities");
  if (matters && Array.isArray(matters.priorities)) {
    return t("prioritiesSummary", { list: matters.priorities.map(function (id) {
      return priorityLabels[String(id)] || String(id);
    }).join(", ") });
  }
  if (text.slice(0, 5) !== "/book") { return null; }
  if (text.length > 5 && text.charAt(5) !== "{") { return null; }  // "/booking…", typed
  var data = commandData(text, "book");
  var id = data && typeof data.slot === "string" ? data.slot : "";
  var kind = slotKind(id);
  var slot = meetingSlots[id] || null;
  if (kind === "hackathon") { return t("alertSummary"); }
  if (kind !== "coffee") {
    return slot && slot.label ? t("registerSummary", { when: slot.label }) : t("registerSummaryShort");
  }
  if (!slot || !slot.label) { return t("bookSummaryShort"); }
  if (!slot.host) { return t("bookSummaryShort") + " : " + slot.label; }
  return t("bookSummary", { when: slot.label, host: slot.host });
}

function readOffer(custom) {
  var hosts = Array.isArray(custom.hosts) ? custom.hosts.filter(function (h) {
    return h && typeof h === "object";
  }) : [];
  var names = {};
  hosts.forEach(function (h) { names[plainText(h.id)] = plainText(h.name); });
  var slots = {};
  (Array.isArray(custom.slots) ? custom.slots : []).forEach(function (s) {
    if (!s || typeof s.id !== "string") { return; }
    slots[s.id] = {
      label: plainText(s.label), host: names[plainText(s.host)] || "", localLabel: plainText(s.local_label),
      kind: plainText(custom.kind) || "coffee"
    };
    meetingSlots[s.id] = slots[s.id];
  });
  return { hosts: hosts, slots: slots };
}

// The ambassadors of an offer: first name, role, team and topics, as text.
function hostCards(hosts) {
  var list = el("ul", { "class": "hosts", "aria-label": t("hosts") });
  hosts.forEach(function (h) {
    var role = [plainText(h.role), plainText(h.team_label) || plainText(h.team)].filter(Boolean).join(" · ");
    var card = el("li", { "class": "host-card", "data-host": plainText(h.id) }, [
      el("p", { "class": "host-name", text: plainText(h.name) }),
      role ? el("p", { "class": "host-role", text: role }) : null
    ]);
    var topics = (Array.isArray(h.topics) ? h.topics : []).map(plainText).filter(Boolean);
    if (topics.length) {
      var items = el("ul", { "class": "topics", "aria-label": t("topics") });
      topics.forEach(function (topic) { items.appendChild(el("li", { text: topic })); });
      card.appendChild(items);
    }
    list.appendChild(card);
  });
  return list;
}

function fieldMax(fields, name, fallback) {
  var spec = fields && fields[name];
  var max = spec && typeof spec.max === "number" && spec.max > 0 ? Math.floor(spec.max) : fallback;
  return max;
}

// The words of a contact form, by what it is for: a coffee, an event, the hackathon list.
function formWords(kind) {
  var errors = t("meetErrors");
  if (kind === "coffee") {
    return { title: t("meetTitle"), send: t("meetSend"), sending: t("meetSending"), errors: errors };
  }
  var event = kind !== "hackathon";
  var own = {};
  Object.keys(errors).forEach(function (key) { own[key] = errors[key]; });
  own.consent = t(event ? "eventConsent" : "alertConsent");
  own.form = t("eventForm");
  return {
    title: t(event ? "eventTitle" : "alertTitle"), send: t(event ? "eventSend" : "alertSend"),
    sending: t("eventSending"), errors: own
  };
}

// The small form of the contact step: the fields the assistant asked for (first name,
// e-mail, optional note; a coffee's by default), and consent.
function contactForm(custom) {
  var slot = plainText(custom.slot);
  if (!slot) { return null; }
  var hostInfo = custom.host && typeof custom.host === "object" ? custom.host : {};
  var hostName = plainText(hostInfo.name);
  var label = plainText(custom.label);
  var kind = plainText(custom.kind) || (meetingSlots[slot] && meetingSlots[slot].kind) || slotKind(slot);
  meetingSlots[slot] = {
    label: label || (meetingSlots[slot] && meetingSlots[slot].label) || "",
    host: hostName || (meetingSlots[slot] && meetingSlots[slot].host) || "",
    localLabel: meetingSlots[slot] ? meetingSlots[slot].localLabel : "",
    kind: kind
  };
  var words = formWords(kind);
  var asked = custom.fields && typeof custom.fields === "object" ? custom.fields : null;
  var keys = ["name", "email", "note"].filter(function (key) {
    return key === "email" || !asked || Object.prototype.hasOwnProperty.call(asked, key);
  });
  var max = {
    name: fieldMax(custom.fields, "name", 80),
    email: fieldMax(custom.fields, "email", 254),
    note: fieldMax(custom.fields, "note", 500)
  };
  formCount += 1;
  var prefix = "meet-" + formCount;
  var form = el("form", {
    "class": "meet-form", novalidate: "", "aria-labelledby": prefix + "-title", "data-slot": slot, "data-kind": kind
  });
  form.appendChild(el("p", { "class": "meet-title", id: prefix + "-title", text: words.title }));
  if (label) {
    form.appendChild(el("p", { "class": "meet-when", text: hostName ? t("meetWhen", { when: label, host: hostName }) : label }));
  }
  var made = {
    name: function () { return el("input", { type: "text", maxlength: String(max.name), autocomplete: "given-name", required: "", "aria-required": "true" }); },
    email: function () { return el("input", { type: "email", maxlength: String(max.email), autocomplete: "email", required: "", "aria-required": "true", spellcheck: "false" }); },
    note: function () { return el("textarea", { rows: "3", maxlength: String(max.note) }); }
  };
  var controls = { consent: el("input", { type: "checkbox", required: "", "aria-required": "true" }) };
  keys.forEach(function (key) { controls[key] = made[key](); });
  var errors = {};
  keys.forEach(function (key) {
    var id = prefix + "-" + key;
    var words = { name: "meetName", email: "meetEmail", note: "meetNote" }[key];
    controls[key].id = id;
    controls[key].name = key;
    controls[key].setAttribute("aria-describedby", id + "-error");
    errors[key] = el("p", { "class": "field-error", id: id + "-error" });
    form.appendChild(el("label", { "for": id }, [
      document.createTextNode(t(words) + " "),
      el("span", { "class": "hint", text: t(key === "note" ? "optional" : "required") })
    ]));
    form.appendChild(controls[key]);
    form.appendChild(errors[key]);
  });
  var end = formEnd(form, prefix, controls, errors, plainText(custom.consent), words.send);
  var announce = end.announce, progress = end.progress, submit = end.submit;

  var contact = {
    form: form, slot: slot, kind: kind, controls: controls, errors: errors, words: words, closed: false,
    showError: end.showError,
    clearErrors: end.clearErrors,
    busy: function (on) {
      if (contact.closed) { return; }
      submit.disabled = Boolean(on);
      form.setAttribute("aria-busy", String(Boolean(on)));
      progress.textContent = on ? words.sending : "";
    }
  };
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (contact.closed) { return; }
    contact.clearErrors();
    var texts = words.errors;
    var name = controls.name ? controls.name.value.trim() : "";
    var email = controls.email.value.trim();
    var note = controls.note ? controls.note.value.trim() : "";
    var problems = [];
    if (controls.name && !name) { problems.push(["name", texts.name]); }
    else if (name.length > max.name) { problems.push(["name", texts.nameLong.split("{max}").join(String(max.name))]); }
    if (!email || email.length > max.email || !controls.email.checkValidity()) { problems.push(["email", texts.email]); }
    if (note.length > max.note) { problems.push(["note", texts.note.split("{max}").join(String(max.note))]); }
    if (!controls.consent.checked) { problems.push(["consent", texts.consent]); }
    problems.forEach(function (problem) { contact.showError(problem[0], problem[1], false); });
    if (problems.length) {
      announce.textContent = problems[0][1];
      controls[problems[0][0]].focus();
      return;
    }
    var data = { slot: slot };
    if (controls.name) { data.name = name; }
    data.email = email;
    if (note) { data.note = note; }
    data.consent = true;
    var text = "/book" + JSON.stringify(data);
    if (text.length > MAX_CHARS) {
      contact.showError("note", texts.note.split("{max}").join(String(max.note)), true);
      return;
    }
    if (!sendMessage(text)) {
      announce.textContent = texts.form;
      progress.textContent = texts.form;
      return;
    }
    contact.busy(true);
  });
  return contact;
}

// A new contact step replaces any older form (its slot was given up for this one).
function openContact(contact, live) {
  if (activeContact && activeContact !== contact) { closeContact(t("meetClosed")); }
  activeContact = contact;
  if (live) {
    // once the message is in the log (it is appended after it is built)
    window.setTimeout(function () {
      if (!contact.closed && panelOpen()) { (contact.controls.name || contact.controls.email).focus(); }
    }, 0);
  }
}

// The form is done with (booked, or its slot is gone): it goes, a short line stays.
function closeContact(sentence) {
  var contact = activeContact;
  activeContact = null;
  if (!contact || contact.closed) { return; }
  contact.closed = true;
  var line = el("p", { "class": "meet-closed", text: sentence });
  contact.form.replaceWith(line);
}

// A booking result: errors go by their field, a confirmation closes the form.
function bookingResult(node, custom, text, live) {
  var outcome = plainText(custom.status);
  var field = plainText(custom.field);
  node.classList.add("booking", "booking-" + (outcome || "unknown"));
  if (outcome === "invalid" && activeContact && ["name", "email", "note", "consent"].indexOf(field) >= 0) {
    activeContact.busy(false);
    var texts = activeContact.words.errors;
    activeContact.showError(field, text || (field === "note" ? texts.form : texts[field]), live);
    return;
  }
  var booking = plainText(custom.booking);
  if (outcome === "cancelled" && booking) {
    log.querySelectorAll(".ask-form").forEach(function (form) {
      if (form.getAttribute("data-booking") === booking) { form.remove(); }
    });
  }
  if (outcome === "confirmed" || outcome === "waitlisted") {
    closeContact(t(outcome === "confirmed" ? "meetSent" : "eventWaitlisted"));
    var slot = plainText(custom.slot);
    if (custom.kind === "reverse_qa" && outcome === "confirmed" && slot && booking) {
      node.appendChild(askForm(slot, booking));
    } else if (live) {
      input.focus();
    }
  } else if (outcome === "unavailable" || (outcome === "invalid" && field === "slot")) {
    closeContact(t("meetClosed"));
  } else if (activeContact) {
    activeContact.busy(false);
  }
}

// Restoring the conversation: the open form gets back what the candidate last sent for it.
function refill(text) {
  var data = commandData(text, "book");
  if (!data || !activeContact || data.slot !== activeContact.slot) { return; }
  ["name", "email", "note"].forEach(function (key) {
    var control = activeContact.controls[key];
    if (control && typeof data[key] === "string" && !control.value) { control.value = data[key]; }
  });
}

// ------------------------------------------------------------- reverse Q&A

// Under a reverse Q&A registration: a box to send the leaders a question, as many times
// as the server allows (`/ask_panel{"slot", "question"}`); the result comes back as a
// `panel_question` message and is shown by the box.
function askForm(slot, booking) {
  formCount += 1;
  var id = "ask-" + formCount;
  var box = el("textarea", {
    id: id, name: "question", rows: "3", maxlength: String(ASK_MAX), required: "", "aria-required": "true",
    "aria-describedby": id + "-error"
  });
  var error = el("p", { "class": "field-error", id: id + "-error" });
  var status = el("p", { "class": "meet-status", role: "status" });
  var submit = el("button", { type: "submit", "class": "choice primary", text: t("askSend") });
  var form = el("form", { "class": "ask-form meet-form", novalidate: "", "data-slot": slot, "data-booking": booking }, [
    el("label", { "for": id, "class": "meet-title", text: t("askTitle") }),
    el("p", { "class": "hint", text: t("askLabel") }),
    box, error,
    el("div", { "class": "callback-actions" }, [submit]),
    status
  ]);
  var ask = {
    form: form,
    fail: function (sentence) {
      error.textContent = sentence;
      box.setAttribute("aria-invalid", "true");
      status.textContent = "";
      submit.disabled = false;
    },
    done: function () {
      box.value = "";
      error.textContent = "";
      box.removeAttribute("aria-invalid");
      status.textContent = t("askSent");
      submit.disabled = false;
    }
  };
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = box.value.trim();
    error.textContent = "";
    box.removeAttribute("aria-invalid");
    if (!question) { ask.fail(t("askEmpty")); box.focus(); return; }
    if (question.length > ASK_MAX) { ask.fail(t("askLong", { max: ASK_MAX })); box.focus(); return; }
    if (!sendMessage("/ask_panel" + JSON.stringify({ slot: slot, question: question }))) {
      ask.fail(t("askLong", { max: ASK_MAX }));  // over the message limit once encoded
      return;
    }
    activeAsk = ask;
    submit.disabled = true;
    status.textContent = t("askSending");
  });
  return form;
}

function askResult(custom, text) {
  var ask = activeAsk;
  activeAsk = null;
  if (!ask) { return; }
  if (custom.status === "received") { ask.done(); } else { ask.fail(text || t("askEmpty")); }
}

// "Source: People (HR) · checked by HR on 12 October 2026" under an answer.
function sourceLine(custom) {
  var owner = plainText(custom.owner_label) || plainText(custom.owner);
  if (!owner) { return null; }
  // In the answer's language (the owner's name is), whatever the widget's is now.
  var language = TEXTS[custom.language] ? custom.language : lang;
  var reviewed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(plainText(custom.reviewed));
  var words = t("sourceNever", { owner: owner }, language);
  if (reviewed) {
    var date = new Date(Date.UTC(+reviewed[1], +reviewed[2] - 1, +reviewed[3]));
    var shown = date.toLocaleDateString(language === "fr" ? "fr-FR" : "en-GB",
      { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    if (language === "fr" && +reviewed[3] === 1) { shown = shown.replace(/^1 /, "1er "); }
    words = t("source", { owner: owner, date: shown }, language);
  }
  return el("p", { "class": "source" + (custom.stale === true ? " stale" : ""), text: words });
}

var ratings = {};

function ratingButtons(article) {
  var group = el("div", { "class": "rating", role: "group", "data-article": article });
  var thanks = el("span", { "class": "thanks", role: "status" });
  [["up", "helpful"], ["down", "notHelpful"]].forEach(function (spec) {
    var button = el("button", {
      type: "button", "class": "rate " + spec[0], "data-rating": spec[0],
      "aria-label": t(spec[1]), title: t(spec[1]),
      "aria-pressed": String(ratings[article] === spec[0])
    }, [thumbIcon()]);
    button.addEventListener("click", function () {
      if (!socket || !confirmed) { return; }
      socket.timeout(10000).emit("feedback", { article: article, rating: spec[0], language: lang },
        function (error, reply) {
          if (error || !reply || !reply.ok) { return; }
          ratings[article] = spec[0];
          log.querySelectorAll('.rating[data-article="' + CSS.escape(article) + '"] .rate')
            .forEach(function (other) {
              other.setAttribute("aria-pressed", String(other.getAttribute("data-rating") === spec[0]));
            });
          thanks.textContent = t("thanks");
        });
    });
    group.appendChild(button);
  });
  group.appendChild(thanks);
  return group;
}

function sameMessage(a, b) {
  return a.from === b.from && a.text === b.text;
}

// The server's history replaces or extends what is on screen.
function showHistory(history) {
  var isPrefix = shown.length <= history.length && shown.every(function (item, i) {
    return sameMessage(item, history[i]);
  });
  if (!isPrefix) {
    log.setAttribute("aria-busy", "true");
    shown.forEach(function (item) { item.el.remove(); });
    shown = [];
    activeContact = null;
  }
  var pendingNodes = Object.keys(pendingEls).map(function (id) { return pendingEls[id]; });
  pendingNodes.forEach(function (node) { node.remove(); });
  history.slice(shown.length).forEach(function (message) {
    var node;
    if (message.from === "candidate") {
      node = candidateElement(message.text, message.message_id || "", false);
      if (message.message_id && pendingEls[message.message_id]) {
        delete pendingEls[message.message_id];
      }
      refill(message.text);
    } else {
      node = botElement(message, false);
    }
    log.appendChild(node);
    shown.push({ from: message.from, text: message.text, el: node });
  });
  var inHistory = {};
  history.forEach(function (message) { if (message.message_id) { inHistory[message.message_id] = true; } });
  state.outbox = state.outbox.filter(function (item) { return !inHistory[item.id]; });
  save();
  state.outbox.forEach(function (item) {
    var node = pendingEls[item.id] || candidateElement(item.display || item.text, item.id, true);
    pendingEls[item.id] = node;
    log.appendChild(node);
  });
  log.removeAttribute("aria-busy");
  updateStarters();
  scrollDown();
}

// Confirmed messages come first in the log, unsent ones after them.
function appendConfirmed(node) {
  log.insertBefore(node, log.querySelector(".message.pending"));
}

// A candidate message the server has received moves into the conversation.
function promote(id) {
  var node = pendingEls[id];
  if (!node) { return; }
  delete pendingEls[id];
  node.classList.remove("pending");
  var marker = node.querySelector(".state");
  if (marker) { marker.remove(); }
  appendConfirmed(node);
  shown.push({ from: "candidate", text: node.historyText, el: node });
}

function onBotMessage(message) {
  if (!message || typeof message !== "object") { return; }
  message.from = message.from === "recruiter" ? "recruiter" : "assistant";
  message.text = typeof message.text === "string" ? message.text : "";
  // A reply means the oldest message in flight has arrived, even before its acknowledgement.
  var oldest = state.outbox.filter(function (item) { return inflight[item.id]; })[0];
  if (oldest) { promote(oldest.id); }
  var node = botElement(message, true);
  appendConfirmed(node);
  shown.push({ from: message.from, text: message.text, el: node });
  typing.hidden = true;
  updateStarters();
  scrollDown();
}

function markFailed(item, error) {
  var node = pendingEls[item.id];
  delete pendingEls[item.id];
  if (!node) { return; }
  node.classList.remove("pending");
  node.classList.add("failed");
  var marker = node.querySelector(".state");
  if (marker) { marker.remove(); }
  node.appendChild(el("p", { "class": "failure", text: t("failed", { error: error }) }));
}

// ------------------------------------------------------------ connection

var socket = null;
var confirmed = false;
var inflight = {};
var RESEND_TRIES = 5;  // a message the assistant failed on (503) is sent again this often

function connect() {
  if (socket) { return; }
  socket = io(socketUrl(), {
    path: "/socket.io",
    transports: ["polling", "websocket"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    timeout: 8000
  });
  socket.on("connect", function () {
    status.textContent = "";
    panel.classList.remove("offline");
    socket.emit("session_request", { session_id: state.sessionId || null });
  });
  socket.on("session_confirm", function (data) {
    var id = typeof data === "string" ? data : data && data.session_id;
    if (!id) { return; }
    if (state.sessionId && state.sessionId !== id) {
      // The old conversation is gone (expired or erased): start afresh.
      shown.forEach(function (item) { item.el.remove(); });
      shown = [];
      activeContact = null;
    }
    state.sessionId = id;
    save();
    confirmed = true;
    ratings = data && data.feedback && typeof data.feedback === "object" ? data.feedback : {};
    showHistory(Array.isArray(data && data.history) ? data.history : []);
    flush();
  });
  socket.on("bot_uttered", onBotMessage);
  socket.on("disconnect", function (reason) {
    confirmed = false;
    inflight = {};
    showOffline();
    if (reason === "io server disconnect") { socket.connect(); }
  });
  socket.on("connect_error", showOffline);
}

function showOffline() {
  status.textContent = t("offline");
  panel.classList.add("offline");
  typing.hidden = true;
}

function flush() {
  if (!socket || !confirmed) { return; }
  state.outbox.forEach(function (item) {
    if (inflight[item.id]) { return; }
    inflight[item.id] = true;
    typing.hidden = false;
    var metadata = { language: item.language };
    var zone = browserTimezone();
    if (zone) { metadata.timezone = zone; }
    if (item.display) { metadata.display = item.display; }
    socket.timeout(60000).emit("user_uttered", {
      message: item.text, session_id: state.sessionId, message_id: item.id, metadata: metadata
    }, function (error, reply) {
      delete inflight[item.id];
      if (error) { return; }  // no answer in time: resent after the next reconnection
      if (reply && reply.ok === false && reply.status === 503 && (item.tries || 0) < RESEND_TRIES) {
        // The assistant failed on it (a part was down, a database restarting) and may not
        // have kept it: sent again with the same id after the pause the server asks for,
        // doubled each time (2, 4, 8, 16, 30 s: a minute in all).
        item.tries = (item.tries || 0) + 1;
        save();
        var pause = Math.max(Number(reply.retry_after) || 2, 1) * Math.pow(2, item.tries - 1);
        window.setTimeout(flush, Math.min(pause, 30) * 1000);
        if (!Object.keys(inflight).length) { typing.hidden = true; }
        return;
      }
      state.outbox = state.outbox.filter(function (other) { return other.id !== item.id; });
      save();
      if (reply && reply.ok === false) {
        markFailed(item, reply.error || "?");
      } else {
        promote(item.id);
      }
      if (!Object.keys(inflight).length) { typing.hidden = true; }
    });
  });
}

function sendMessage(text, display) {
  text = String(text || "").trim();
  formError.textContent = "";
  if (!text) { return false; }
  if (text.length > MAX_CHARS) {
    formError.textContent = t("tooLong", { max: MAX_CHARS });
    return false;
  }
  var item = { id: newId(), text: text, language: lang };
  if (display && display !== text) { item.display = display; }
  state.outbox.push(item);
  save();
  var node = candidateElement(item.display || text, item.id, true);
  pendingEls[item.id] = node;
  log.appendChild(node);
  updateStarters();
  scrollDown();
  connect();
  flush();
  return true;
}

// ------------------------------------------------------------- behaviour

function panelOpen() {
  return !panel.hidden;
}

function updateBadge() {
  badge.hidden = unread === 0;
  badge.textContent = String(unread);
  launcher.setAttribute("aria-label", unread ? t("open") + " (" + t("unread", { n: unread }) + ")" : t("open"));
}

function openPanel(focus) {
  panel.hidden = false;
  launcher.setAttribute("aria-expanded", "true");
  frame.classList.add("open");
  state.open = true;
  save();
  unread = 0;
  updateBadge();
  connect();
  updateStarters();
  scrollDown();
  if (focus !== false) { input.focus(); }
}

function closePanel() {
  panel.hidden = true;
  launcher.setAttribute("aria-expanded", "false");
  frame.classList.remove("open");
  state.open = false;
  save();
  frame.classList.remove("tucked");  // the focus comes back to it, even over a page's link
  launcher.focus();
  queueTuck();
}

launcher.addEventListener("click", function () {
  if (panelOpen()) { closePanel(); } else { openPanel(); }
});
// The closed launcher steps aside while one of the page's own "ask the assistant" links
// (a[href="#assistant"]) lies under it, so the page's button stays visible and tappable;
// the link opens the chat too. Kept while the launcher has the keyboard's focus.
var tuckQueued = false;
function tuckLauncher() {
  tuckQueued = false;
  var box = launcher.getBoundingClientRect();
  var covered = false;
  if (!panelOpen() && root.activeElement !== launcher) {
    var links = document.querySelectorAll('a[href="#assistant"]');
    for (var i = 0; i < links.length && !covered; i += 1) {
      var r = links[i].getBoundingClientRect();
      covered = r.width > 0 && r.height > 0 && r.left < box.right && r.right > box.left &&
        r.top < box.bottom && r.bottom > box.top;
    }
  }
  frame.classList.toggle("tucked", covered);
}
function queueTuck() {
  if (tuckQueued) { return; }
  tuckQueued = true;
  window.requestAnimationFrame(tuckLauncher);
}
window.addEventListener("scroll", queueTuck, { passive: true });
window.addEventListener("resize", queueTuck);
launcher.addEventListener("focus", queueTuck);
launcher.addEventListener("blur", queueTuck);
closeButton.addEventListener("click", closePanel);
panel.addEventListener("keydown", function (event) {
  if (event.key === "Escape") { closePanel(); }
});
function foldNotice() {
  if (notice.hidden) { return; }
  state.noticeSeen = true;
  save();
  notice.hidden = true;  // the footer keeps saying it in one line: "Assistant virtuel (IA) · …"
}
noticeButton.addEventListener("click", function () {
  foldNotice();
  input.focus();
});
// Typing is reading it: the notice folds into the footer's line.
input.addEventListener("input", function () {
  if (input.value.trim()) { foldNotice(); }
});
humanButton.addEventListener("click", function () {
  sendMessage("/request_human", t("humanMessage"));
});
newButton.addEventListener("click", function () {
  state.sessionId = null;
  state.outbox = [];
  save();
  shown.forEach(function (item) { item.el.remove(); });
  Object.keys(pendingEls).forEach(function (id) { pendingEls[id].remove(); });
  shown = [];
  pendingEls = {};
  activeContact = null;
  handoffState = null;
  renderHandoff();
  updateStarters();
  if (socket && socket.connected) {
    confirmed = false;
    socket.emit("session_request", { session_id: null });
  }
  input.focus();
});
form.addEventListener("submit", function (event) {
  event.preventDefault();
  if (sendMessage(input.value)) { input.value = ""; }
});
input.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    if (sendMessage(input.value)) { input.value = ""; }
  }
});
// Links to "#assistant" on the host page open the chat. With `data-article` (a job card's
// "ask about this role": `data-article="job-sre" data-title="SRE / Platform Engineer"`)
// the chat opens on that article's answer, the candidate's bubble reading its title.
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest && event.target.closest('a[href="#assistant"]');
  if (!link) { return; }
  event.preventDefault();
  openPanel();
  var article = link.getAttribute("data-article") || "";
  if (/^[a-z0-9][a-z0-9-]{0,63}$/.test(article)) {
    var title = String(link.getAttribute("data-title") || "").trim().slice(0, 200);
    var payload = "/choose_article" + JSON.stringify({ article: article }).replace(":", ": ");
    sendMessage(payload, title || undefined);
  }
});

renderTexts();
// Messages typed before a reload that the server never acknowledged: shown, and sent once connected.
state.outbox.forEach(function (item) {
  pendingEls[item.id] = candidateElement(item.display || item.text, item.id, true);
  log.appendChild(pendingEls[item.id]);
});
document.body.appendChild(host);
if (state.open || window.location.hash === "#assistant") {
  openPanel(false);
} else if (state.sessionId || state.outbox.length) {
  // A conversation is under way: keep it live (a recruiter may write) and show unread replies.
  connect();
}
