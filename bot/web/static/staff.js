// What the recruiter console and the HR workspace share: building the page from data
// (texts always go in with textContent, never as HTML) and calling the staff JSON API
// with the session's CSRF token.
"use strict";

(function () {
  var csrf = document.querySelector('meta[name="csrf"]').content;

  // el("p", {text: "...", "class": "x"}, [child, "text"]): attributes null/undefined/false are left out.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) {
        node.setAttribute(key, attrs[key] === true ? "" : attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // Resolves to {status, ok, data}; a network failure is status 0 with an error to show.
  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 401) { window.location.href = "/console/login"; }
      return response.json().catch(function () { return { error: "réponse illisible (" + response.status + ")" }; })
        .then(function (data) { return { status: response.status, ok: response.ok, data: data }; });
    }, function () {
      return { status: 0, ok: false, data: { error: "serveur injoignable : réessayez" } };
    });
  }

  // newest("coffees", api(...)) resolves to the reply, or to null once a later call with the
  // same key was made: a list whose tab or filter changed meanwhile never shows an older answer.
  var asked = {};
  function newest(key, pending) {
    var ticket = asked[key] = (asked[key] || 0) + 1;
    return pending.then(function (reply) { return ticket === asked[key] ? reply : null; });
  }

  window.ArdoiseStaff = { el: el, api: api, newest: newest };
})();
