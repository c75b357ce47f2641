// Elements are built with text nodes only: what a producer sent is shown, never interpreted as markup.

/** h('a', {href: '#/x', class: 'c'}, 'text', child) */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of an element. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A time as the browser's locale shows it, with the exact UTC value as its title. */
export function time(value) {
  if (!value) return h('span', {class: 'muted'}, '—');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return h('span', {}, String(value));
  return h('time', {datetime: value, title: value}, date.toLocaleString());
}

export function pretty(value) {
  return h('pre', {class: 'json'}, JSON.stringify(value, null, 2));
}

export function link(hash, text, attributes) {
  return h('a', {href: hash, ...(attributes || {})}, text);
}

export const enc = encodeURIComponent;
