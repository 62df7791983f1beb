// Preloaded into the sf CLI under test (node --require): only loopback names resolve.
//
// `sf org login jwt` tries login.salesforce.com and test.salesforce.com besides the URL it is
// given; under test those lookups must fail here, as getaddrinfo fails on a machine without
// DNS, and never leave the machine. Each refused name is appended to $BLOCKED_LOG, so the
// test can tell that the guard was in place.
'use strict';
const dns = require('node:dns');
const fs = require('node:fs');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

function refused(hostname) {
  if (process.env.BLOCKED_LOG) fs.appendFileSync(process.env.BLOCKED_LOG, `${hostname}\n`);
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });
}

const lookup = dns.lookup;
dns.lookup = function lookupLoopbackOnly(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (LOOPBACK.has(hostname)) return lookup.call(dns, hostname, options, callback);
  process.nextTick(callback, refused(hostname));
  return {};
};

const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookupLoopbackOnly(hostname, options) {
  if (LOOPBACK.has(hostname)) return promisesLookup.call(dns.promises, hostname, options);
  throw refused(hostname);
};
