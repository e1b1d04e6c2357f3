// The URL guard for webhooks and callbacks, on literal addresses of every forbidden kind.
import { expect } from 'chai';
import { checkUrlSyntax, isPublicAddress } from '../../services/security/url-guard';

const strict = { allowHttp: false, allowHosts: [] };

describe('url guard: which addresses a webhook may call', () => {
  const forbidden = [
    '127.0.0.1', '127.1.2.3', '0.0.0.0', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.100.100.200',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254',
    '64:ff9b::7f00:1', '2002:7f00:1::', 'ff02::1',
  ];
  forbidden.forEach((address) => it(`refuses ${address}`, () => expect(isPublicAddress(address)).to.equal(false)));
  ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'].forEach((address) => it(`allows ${address}`, () => expect(isPublicAddress(address)).to.equal(true)));

  const refusedUrls = [
    'http://partner.example/hook', 'ftp://partner.example/', 'https://user:pw@partner.example/', 'not a url',
    'https://127.0.0.1/hook', 'https://[::1]/hook', 'https://[::ffff:7f00:1]/hook', 'https://169.254.169.254/latest/meta-data',
    'https://[fd00:ec2::254]/', 'https://10.1.2.3:8443/', 'https://localhost/', 'https://api.localhost/', 'https://metadata.google.internal/',
    'https://2130706433/', 'https://0x7f000001/', 'https://017700000001/',
  ];
  refusedUrls.forEach((url) => it(`refuses the URL ${url}`, () => expect(() => checkUrlSyntax(url, strict, 'webhookUrl')).to.throw(/webhookUrl/)));

  it('accepts a public https URL, and loopback over http only when allowed by name', () => {
    expect(checkUrlSyntax('https://partner.example/hook', strict, 'w').hostname).to.equal('partner.example');
    expect(checkUrlSyntax('https://8.8.8.8/hook', strict, 'w').hostname).to.equal('8.8.8.8');
    const tests = { allowHttp: true, allowHosts: ['127.0.0.1'] };
    expect(checkUrlSyntax('http://127.0.0.1:8080/x', tests, 'w').port).to.equal('8080');
    expect(() => checkUrlSyntax('http://10.0.0.1/x', tests, 'w')).to.throw(/private/);
    expect(checkUrlSyntax('http://10.0.0.9/x', { allowHttp: true, allowHosts: ['10.0.0.0/8'] }, 'w').hostname).to.equal('10.0.0.9');
  });
});
