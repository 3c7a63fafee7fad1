// Drives the Node.js clients of Alibaba Cloud for the Python tests (tests/e2e/drivers.py).
// One JSON request per stdin line, one JSON answer per stdout line:
//   {"client": "pop-core" | "openapi-client", "endpoint": "127.0.0.1:PORT", "key": [id, secret],
//    "action": "...", "params": {"Flat.1.Key": "value"}, "method": "GET" | "POST",
//    "signatureAlgorithm": null | "v2"}
//   -> {"body": {...}} or {"error": {"code": "...", "status": 400, "message": "...", "data": {...}}}
'use strict';

const readline = require('readline');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApi = require('@alicloud/openapi-client');
const Util = require('@alicloud/tea-util');

const VERSION = '2020-04-15';

async function popCore(req) {
  const client = new RPCClient({
    accessKeyId: req.key[0],
    accessKeySecret: req.key[1],
    endpoint: `http://${req.endpoint}`,
    apiVersion: VERSION,
  });
  try {
    return { body: await client.request(req.action, req.params, { method: req.method, timeout: 30000 }) };
  } catch (err) {
    const status = err.entry && err.entry.response ? err.entry.response.statusCode : null;
    return { error: { code: err.code || String(err.name), status, message: err.message, data: err.data || null } };
  }
}

async function openApiClient(req) {
  const config = new OpenApi.Config({
    accessKeyId: req.key[0],
    accessKeySecret: req.key[1],
    endpoint: req.endpoint,
    protocol: 'http',
    regionId: 'cn-hangzhou',
  });
  if (req.signatureAlgorithm) {
    config.signatureAlgorithm = req.signatureAlgorithm;
  }
  const client = new OpenApi.default(config);
  const params = new OpenApi.Params({
    action: req.action, version: VERSION, protocol: 'HTTP', pathname: '/',
    method: req.method, authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  const request = new OpenApi.OpenApiRequest({ query: req.params });
  try {
    const answer = await client.callApi(params, request, new Util.RuntimeOptions({}));
    return { body: answer.body };
  } catch (err) {
    return { error: { code: err.code, status: err.statusCode || (err.data && err.data.statusCode) || null,
      message: err.message, data: err.data || null } };
  }
}

const CLIENTS = { 'pop-core': popCore, 'openapi-client': openApiClient };

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let answer;
    try {
      const req = JSON.parse(line);
      answer = await CLIENTS[req.client](req);
    } catch (err) {
      answer = { error: { code: 'DriverError', status: null, message: String(err && err.stack || err) } };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  });
});
