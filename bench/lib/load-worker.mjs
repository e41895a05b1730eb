// Runs autocannon in a worker thread, so the load generator does not share an event loop with a
// server started in-process by the bench. Plain JavaScript: workers need no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

function run(options, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) instance.on('response', onResponse);
  });
}

const o = workerData;
const base = {
  url: o.url,
  method: o.method,
  headers: o.headers,
  body: o.body,
  connections: o.connections,
  pipelining: o.pipelining,
  overallRate: o.rate,
  idReplacement: o.idReplacement,
  timeout: o.timeoutSeconds,
  ...(o.requests ? { requests: o.requests } : {}),
};

// Spread over several tenants: each request (across all connections) takes the next tenant's
// authorization header, and `[<account>]` in its body becomes that tenant's account id.
if (o.tenants?.length) {
  let next = 0;
  const setupRequest = (req) => {
    const t = o.tenants[next++ % o.tenants.length];
    return {
      ...req,
      headers: { ...req.headers, authorization: t.authorization },
      ...(typeof req.body === 'string' ? { body: req.body.replaceAll('[<account>]', t.accountId) } : {}),
    };
  };
  const templates = o.requests ?? [{ method: o.method, path: new URL(o.url).pathname + new URL(o.url).search, body: o.body }];
  base.requests = templates.map((r) => ({ ...r, setupRequest }));
}

try {
  if (o.warmupSeconds > 0) await run({ ...base, duration: o.warmupSeconds });
  const times = [];
  const startedAt = performance.now();
  const result = await run({ ...base, duration: o.durationSeconds }, (_client, _status, _bytes, responseTime) => {
    times.push(responseTime);
  });
  const elapsed = (performance.now() - startedAt) / 1000;
  const statusCodes = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  parentPort.postMessage({
    ok: true,
    times: Float64Array.from(times),
    elapsed,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  });
} catch (err) {
  parentPort.postMessage({ ok: false, error: String(err?.stack ?? err) });
}
