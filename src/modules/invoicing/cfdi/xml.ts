/**
 * A tiny XML model for CFDI: elements with a namespace, ordered attributes and children.
 * We write the XML ourselves (no dependency) and read it back with a small non-validating
 * parser, enough for CFDI documents (namespaces, entities, comments, CDATA; no DTD).
 */

export interface XmlElement {
  /** Namespace URI (`http://www.sat.gob.mx/cfd/4`), empty for none. */
  ns: string;
  prefix: string;
  local: string;
  /** Attributes in document order; names are qualified as written (`xmlns:cfdi`, `Rfc`). */
  attrs: Array<[string, string]>;
  children: XmlChild[];
}
export type XmlChild = XmlElement | string;

export const NS = {
  cfdi: 'http://www.sat.gob.mx/cfd/4',
  pago20: 'http://www.sat.gob.mx/Pagos20',
  tfd: 'http://www.sat.gob.mx/TimbreFiscalDigital',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export function el(
  prefix: keyof typeof NS,
  local: string,
  attrs: Array<[string, string | undefined]>,
  children: XmlChild[] = [],
): XmlElement {
  const kept: Array<[string, string]> = [];
  for (const [k, v] of attrs) if (v !== undefined) kept.push([k, v]);
  return { ns: NS[prefix], prefix, local, attrs: kept, children };
}

/** The value of an unqualified attribute, or undefined when absent. */
export function attr(node: XmlElement, name: string): string | undefined {
  for (const [k, v] of node.attrs) if (k === name) return v;
  return undefined;
}

export function setAttr(node: XmlElement, name: string, value: string): void {
  for (const a of node.attrs) {
    if (a[0] === name) {
      a[1] = value;
      return;
    }
  }
  node.attrs.push([name, value]);
}

export function childElements(node: XmlElement, ns?: string, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (ns !== undefined && c.ns !== ns) continue;
    if (local !== undefined && c.local !== local) continue;
    out.push(c);
  }
  return out;
}

// --- writing -------------------------------------------------------------------------

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // Literal tab/newline/CR in an attribute would be normalized to a space by any XML
  // parser (XML 1.0 §3.3.3); character references keep the value exactly as we hold it.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const ATTR_RE = /[&<>"\t\n\r]/g;
const TEXT_RE = /[&<>]/g;

export function escapeAttr(value: string): string {
  return ATTR_RE.test(value) ? value.replace(ATTR_RE, (c) => ATTR_ESCAPES[c]!) : value;
}
export function escapeText(value: string): string {
  return TEXT_RE.test(value) ? value.replace(TEXT_RE, (c) => ATTR_ESCAPES[c]!) : value;
}

/** Characters XML 1.0 cannot carry at all, even as references. */
export const XML_ILLEGAL_RE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Serialize with a UTF-8 declaration, two-space indentation, one element per line. */
export function serializeXml(root: XmlElement): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, '', parts);
  return parts.join('');
}

function write(node: XmlElement, indent: string, out: string[]): void {
  const qname = node.prefix ? `${node.prefix}:${node.local}` : node.local;
  out.push(indent, '<', qname);
  for (const [k, v] of node.attrs) out.push(' ', k, '="', escapeAttr(v), '"');
  if (node.children.length === 0) {
    out.push('/>\n');
    return;
  }
  const onlyText = node.children.every((c) => typeof c === 'string');
  if (onlyText) {
    out.push('>', escapeText((node.children as string[]).join('')), '</', qname, '>\n');
    return;
  }
  out.push('>\n');
  const inner = indent + '  ';
  for (const c of node.children) {
    if (typeof c === 'string') out.push(escapeText(c));
    else write(c, inner, out);
  }
  out.push(indent, '</', qname, '>\n');
}

// --- reading -------------------------------------------------------------------------

export class XmlParseError extends Error {}

const NAME_RE = /[^\s=/>]+/y;

function decodeEntities(s: string, at: number): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (m, ref: string | undefined) => {
    if (!ref) throw new XmlParseError(`bare '&' near offset ${at}`);
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return String.fromCodePoint(cp);
    }
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        throw new XmlParseError(`unknown entity ${m} near offset ${at}`);
    }
  });
}

/**
 * Parse an XML document into the model above. Attribute values are normalized as an XML
 * parser must (literal whitespace → space, then references decoded), so what we read is
 * what xsltproc sees.
 */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const n = xml.length;
  if (xml.charCodeAt(0) === 0xfeff) i = 1;
  const stack: Array<{ node: XmlElement; qname: string; scope: Map<string, string> }> = [];
  let root: XmlElement | undefined;
  let scope = new Map<string, string>([['xml', 'http://www.w3.org/XML/1998/namespace']]);

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const raw = xml.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.node.children.push(decodeEntities(raw.replace(/\r\n?/g, '\n'), i));
      else if (raw.trim() !== '') throw new XmlParseError('text outside the root element');
    }
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end < 0) throw new XmlParseError('unterminated processing instruction');
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) throw new XmlParseError('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) throw new XmlParseError('unterminated CDATA');
      const top = stack[stack.length - 1];
      if (!top) throw new XmlParseError('CDATA outside the root element');
      top.node.children.push(xml.slice(i + 9, end).replace(/\r\n?/g, '\n'));
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      throw new XmlParseError('DTDs are not accepted');
    } else if (xml[i + 1] === '/') {
      const end = xml.indexOf('>', i);
      if (end < 0) throw new XmlParseError('unterminated end tag');
      const qname = xml.slice(i + 2, end).trim();
      const top = stack.pop();
      if (!top || top.qname !== qname) throw new XmlParseError(`mismatched end tag </${qname}>`);
      scope = stack.length ? stack[stack.length - 1]!.scope : scope;
      if (stack.length === 0) root = top.node;
      i = end + 1;
    } else {
      i++;
      NAME_RE.lastIndex = i;
      const m = NAME_RE.exec(xml);
      if (!m) throw new XmlParseError(`bad start tag near offset ${i}`);
      const qname = m[0];
      i += qname.length;
      const rawAttrs: Array<[string, string]> = [];
      let selfClosing = false;
      for (;;) {
        while (i < n && /\s/.test(xml[i]!)) i++;
        if (xml[i] === '/' && xml[i + 1] === '>') {
          selfClosing = true;
          i += 2;
          break;
        }
        if (xml[i] === '>') {
          i++;
          break;
        }
        NAME_RE.lastIndex = i;
        const an = NAME_RE.exec(xml);
        if (!an) throw new XmlParseError(`bad attribute near offset ${i}`);
        i += an[0].length;
        while (/\s/.test(xml[i] ?? '')) i++;
        if (xml[i] !== '=') throw new XmlParseError(`attribute ${an[0]} without value`);
        i++;
        while (/\s/.test(xml[i] ?? '')) i++;
        const q = xml[i];
        if (q !== '"' && q !== "'") throw new XmlParseError(`attribute ${an[0]} value not quoted`);
        const end = xml.indexOf(q, i + 1);
        if (end < 0) throw new XmlParseError('unterminated attribute value');
        const rawValue = xml.slice(i + 1, end);
        if (rawValue.includes('<')) throw new XmlParseError("'<' in attribute value");
        if (rawAttrs.some(([k]) => k === an[0])) throw new XmlParseError(`duplicate attribute ${an[0]}`);
        rawAttrs.push([an[0], decodeEntities(rawValue.replace(/\r\n|[\t\n\r]/g, ' '), i)]);
        i = end + 1;
      }
      const parentScope = scope;
      let nodeScope = parentScope;
      for (const [k, v] of rawAttrs) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) {
          if (nodeScope === parentScope) nodeScope = new Map(parentScope);
          nodeScope.set(k === 'xmlns' ? '' : k.slice(6), v);
        }
      }
      const colon = qname.indexOf(':');
      const prefix = colon < 0 ? '' : qname.slice(0, colon);
      const local = colon < 0 ? qname : qname.slice(colon + 1);
      const ns = nodeScope.get(prefix);
      if (prefix && ns === undefined) throw new XmlParseError(`undeclared prefix ${prefix}`);
      const node: XmlElement = { ns: ns ?? '', prefix, local, attrs: rawAttrs, children: [] };
      const top = stack[stack.length - 1];
      if (top) top.node.children.push(node);
      else if (root) throw new XmlParseError('more than one root element');
      if (selfClosing) {
        if (!top) root = node;
      } else {
        stack.push({ node, qname, scope: nodeScope });
        scope = nodeScope;
      }
    }
  }
  if (stack.length) throw new XmlParseError(`unclosed element <${stack[stack.length - 1]!.qname}>`);
  if (!root) throw new XmlParseError('no root element');
  return root;
}
