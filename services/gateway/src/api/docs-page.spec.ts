import { Script } from 'node:vm';
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from './docs-page';

describe('the documentation page', () => {
  it('links only its own script, style sheet and document: nothing from elsewhere, nothing inline', () => {
    const references = [...new Set([...DOCS_HTML.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]))].sort();
    expect(references).toEqual(['/api/docs/docs.css', '/api/docs/docs.js', '/api/openapi.json']);
    expect(DOCS_HTML).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    for (const text of [DOCS_HTML, DOCS_JS, DOCS_CSS]) expect(text).not.toMatch(/https?:\/\/|@import|url\(/);
  });

  it('has a script that parses, and never hands the document to the HTML parser', () => {
    expect(() => new Script(DOCS_JS, { filename: 'docs.js' })).not.toThrow();
    expect(DOCS_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(DOCS_JS).toContain("fetch('/api/openapi.json')");
  });
});
