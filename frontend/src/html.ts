// Rich-text values are HTML from any source (suppliers' feeds included): they are cleaned before
// the editor shows them, and read as text through an inert document.

import DOMPurify from 'dompurify';

const ALLOWED_TAGS = ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'h2', 'h3', 'h4', 'a', 'span', 'div', 'sub', 'sup'];

/** The HTML without scripts, event handlers, styles or embedded content. */
export function cleanHtml(html: string): string {
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: ['href'] });
}

/** The text of an HTML fragment; nothing in it runs or loads. */
export function htmlText(html: string): string {
  // A space after each block, so paragraphs and list items do not run together.
  const spaced = html.replace(/<\/(p|li|div|h[1-6])>|<br\s*\/?>/gi, '$& ');
  return (new DOMParser().parseFromString(spaced, 'text/html').body.textContent ?? '').replace(/\s+/g, ' ').trim();
}
