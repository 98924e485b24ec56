import { describe, expect, it } from 'vitest';
import { checkEndpoint, checkNtfyTopicUrl, EndpointError } from './endpoint.js';

describe('alert addresses', () => {
  it('takes https anywhere, without a warning', () => {
    expect(checkEndpoint('https://hooks.example.com/porchlight?x=1')).toEqual({ url: new URL('https://hooks.example.com/porchlight?x=1'), warning: null });
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://192.168.1.10/hook', 'http://10.0.0.7:2586/x', 'http://172.20.1.1/x', 'http://[::1]:8080/x', 'http://[fd12:3456::1]/x', 'http://[::ffff:192.168.0.9]/x'])(
    'takes plain http to this computer or a private address (%s), with a warning',
    (url) => {
      const checked = checkEndpoint(url);
      expect(checked.warning).toMatch(/^http:\/\/\S+ is plain http: alerts \(and any token\) cross the network unencrypted/);
    },
  );

  it.each([
    ['http://ntfy.sh/topic', /plain http to ntfy\.sh would cross the internet unencrypted; use https/],
    ['http://8.8.8.8/hook', /plain http to 8\.8\.8\.8 would cross the internet/],
    ['http://172.32.0.1/hook', /plain http to 172\.32\.0\.1/],
    ['http://100.64.1.1/hook', /plain http to 100\.64\.1\.1/],
    ['http://my-nas.local/hook', /plain http to my-nas\.local/],
    ['ftp://example.com/x', /not ftp:/],
    ['file:///etc/passwd', /not file:/],
    ['https://user:hunter2@example.com/x', /put credentials in a token or secret file, not in the URL/],
    ['example.com/hook', /is not a URL/],
  ])('refuses %s', (url, reason) => {
    expect(() => checkEndpoint(url)).toThrow(EndpointError);
    expect(() => checkEndpoint(url)).toThrow(reason);
  });

  it('finds the server and the topic in an ntfy address, also behind a path', () => {
    expect(checkNtfyTopicUrl('https://ntfy.sh/porchlight-ann_42')).toMatchObject({ server: 'https://ntfy.sh', topic: 'porchlight-ann_42', warning: null });
    expect(checkNtfyTopicUrl('https://home.example/ntfy/laptop/')).toMatchObject({ server: 'https://home.example/ntfy', topic: 'laptop' });
    expect(() => checkNtfyTopicUrl('https://ntfy.sh/')).toThrow(/"" is not an ntfy topic/);
    expect(() => checkNtfyTopicUrl('https://ntfy.sh/my topic')).toThrow(/is not an ntfy topic/);
    expect(() => checkNtfyTopicUrl('https://ntfy.sh/topic?auth=abc')).toThrow(/without a query \(a token goes in --token-file\)/);
  });
});
