import { describe, expect, it } from 'vitest';
import { notificationBody } from './notification-text.js';

describe('notificationBody', () => {
  it('on Linux, shows markup an extension or program name carries as text, not as a link or bold', () => {
    expect(notificationBody('New extension <a href="https://evil.example">Update now</a> & <b>more</b>', 'linux')).toBe(
      'New extension &lt;a href="https://evil.example"&gt;Update now&lt;/a&gt; &amp; &lt;b&gt;more&lt;/b&gt;',
    );
  });

  it('leaves the text alone where the OS shows it as text already', () => {
    for (const platform of ['darwin', 'win32'] as const) expect(notificationBody('a <b> & c', platform)).toBe('a <b> & c');
  });
});
