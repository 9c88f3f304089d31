/**
 * The small HTML page served at `/` until the web UI is built into the static directory.
 * Pure; `version` is escaped.
 */
export function placeholderPage(version: string): string {
  const v = version.replace(/[^0-9A-Za-z.+-]/g, '');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>nasctl</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>nasctl ${v}</h1>
<p>The web UI is coming: it has not been built into this daemon's static directory yet.</p>
<p>Meanwhile, the REST API answers under <a href="/api/v1/experiments">/api/v1/</a>
(try <a href="/api/v1/health">/api/v1/health</a>), and the <code>nasctl</code> command line
shows experiments, trials and logs: <code>nasctl experiment list</code>.</p>
</body>
</html>
`;
}
