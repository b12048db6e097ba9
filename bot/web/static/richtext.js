// Answers as the chat shows them: paragraphs, **bold**, lists, safe links; all else is text.
// Shared by the chat widget (bundled into widget.js) and the HR workspace's preview, so
// HR sees exactly what candidates will see. Expects a function t(key) for the link title.
"use strict";

function el(tag, attributes, children) {
  var node = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) {
    if (name === "text") { node.textContent = attributes[name]; }
    else if (attributes[name] !== null && attributes[name] !== undefined) {
      node.setAttribute(name, attributes[name]);
    }
  });
  (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
  return node;
}

function safeUrl(href, base) {
  // Text from people (answers, messages) gets no base: only absolute http(s) and
  // mailto addresses, so a relative or entity-obfuscated target is refused instead of
  // resolved against the host page. The site's own settings may be relative (`base`).
  if (!base && !/^(https?:\/\/|mailto:)/i.test(String(href))) { return null; }
  try {
    var url = base ? new URL(String(href), base) : new URL(String(href));
    return ["http:", "https:", "mailto:"].indexOf(url.protocol) >= 0 ? url.href : null;
  } catch (e) {
    return null;
  }
}

// **bold**, [label](url), bare http(s) and mailto addresses; everything else is text.
var INLINE = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|((?:https?:\/\/|mailto:)[^\s<>()]*[^\s<>().,;:!?'"])/g;

function inline(text, parent) {
  var last = 0;
  text.replace(INLINE, function (match, bold, label, href, bare, offset) {
    parent.appendChild(document.createTextNode(text.slice(last, offset)));
    if (bold) {
      parent.appendChild(el("strong", { text: bold }));
    } else {
      var url = safeUrl(href || bare);
      var shown = label || bare;
      if (url) {
        parent.appendChild(el("a", {
          href: url, target: "_blank", rel: "noopener noreferrer", text: shown,
          title: t("newTab")
        }));
      } else {
        parent.appendChild(document.createTextNode(shown));
      }
    }
    last = offset + match.length;
    return match;
  });
  parent.appendChild(document.createTextNode(text.slice(last)));
  return parent;
}

var BULLET = /^\s*[-*•]\s+(.*)$/;
var NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

// Paragraphs (blank lines), bullet and numbered lists, line breaks.
function rich(text) {
  var fragment = document.createDocumentFragment();
  String(text || "").split(/\n\s*\n/).forEach(function (block) {
    var list = null;
    var listKind = null;
    var paragraph = null;
    block.split("\n").forEach(function (line) {
      var bullet = BULLET.exec(line);
      var numbered = bullet ? null : NUMBERED.exec(line);
      var item = bullet || numbered;
      if (item) {
        var kind = bullet ? "ul" : "ol";
        if (!list || listKind !== kind) {
          list = el(kind);
          listKind = kind;
          fragment.appendChild(list);
        }
        list.appendChild(inline(item[1], el("li")));
        paragraph = null;
        return;
      }
      if (!line.trim()) { return; }
      list = null;
      if (paragraph) {
        paragraph.appendChild(el("br"));
      } else {
        paragraph = el("p");
        fragment.appendChild(paragraph);
      }
      inline(line, paragraph);
    });
  });
  return fragment;
}

