import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml } from '../../src/report/escape.ts';

test('markup characters become entities, in content and in quoted attributes', () => {
  assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
  assert.equal(escapeHtml(42), '42');
});
